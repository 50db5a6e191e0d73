import type { Clock } from './clock';

interface Timer {
  readonly id: number;
  readonly at: number;
  readonly fn: () => void;
}

/**
 * A manually advanced clock for tests. `advance(ms)` fires due timers in time order (ties in creation
 * order); timers created while advancing fire in the same call if they fall due.
 */
export class FakeClock implements Clock {
  private _now: number;
  private _nextId = 0;
  private _timers: Timer[] = [];

  constructor(start = 0) {
    this._now = start;
  }

  now(): number {
    return this._now;
  }

  setTimer(ms: number, fn: () => void): () => void {
    const timer: Timer = { id: this._nextId++, at: this._now + Math.max(0, ms), fn };
    this._timers.push(timer);
    return () => {
      this._timers = this._timers.filter((t) => t.id !== timer.id);
    };
  }

  /** Number of timers not yet fired or cancelled. */
  get pendingTimers(): number {
    return this._timers.length;
  }

  advance(ms: number): void {
    const target = this._now + ms;
    for (;;) {
      const due = this._timers.filter((t) => t.at <= target).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) {
        break;
      }
      this._timers = this._timers.filter((t) => t.id !== due.id);
      this._now = due.at;
      due.fn();
    }
    this._now = target;
  }
}
