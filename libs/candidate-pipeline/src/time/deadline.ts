import type { Clock } from './clock';

/**
 * An absolute point on a monotonic clock by which work must end. Created once at the request entry and
 * narrowed (never widened) for every component and downstream call.
 */
export class Deadline {
  constructor(
    private readonly _clock: Clock,
    /** Monotonic ms at which the deadline expires. */
    readonly expiresAt: number,
  ) {}

  static after(clock: Clock, budgetMs: number): Deadline {
    return new Deadline(clock, clock.now() + Math.max(0, budgetMs));
  }

  remainingMs(): number {
    return Math.max(0, this.expiresAt - this._clock.now());
  }

  expired(): boolean {
    return this.remainingMs() <= 0;
  }

  /**
   * A narrower deadline: this one minus `reserveMs` (time the caller keeps for itself, e.g. to build the
   * response), optionally capped at `capMs` from now.
   */
  narrow(options: { reserveMs?: number; capMs?: number } = {}): Deadline {
    let at = this.expiresAt - (options.reserveMs ?? 0);
    if (options.capMs !== undefined) {
      at = Math.min(at, this._clock.now() + options.capMs);
    }
    return new Deadline(this._clock, Math.min(at, this.expiresAt));
  }
}
