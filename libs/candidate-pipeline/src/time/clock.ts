/**
 * A monotonic clock with timers. Only differences between `now()` values are meaningful; never send
 * them to another process. Injected everywhere so tests drive time with a FakeClock instead of sleeping.
 */
export interface Clock {
  /** Monotonic milliseconds. */
  now(): number;
  /** Runs `fn` once after `ms`; returns a function that cancels it (idempotent). */
  setTimer(ms: number, fn: () => void): () => void;
}

/** The process clock: `performance.now()` and `setTimeout`. */
export class SystemClock implements Clock {
  now(): number {
    return performance.now();
  }

  setTimer(ms: number, fn: () => void): () => void {
    const handle = setTimeout(fn, Math.max(0, ms));
    return () => clearTimeout(handle);
  }
}
