import { grpcBudgetMs, type MonotonicClock } from '@foryou/service-kit';

/**
 * When a request must stop working: `reserveMs` before its deadline, leaving time to build and send
 * the response. Deadlines are kept on the monotonic clock; wall-clock deadlines (gRPC) are converted
 * once, on arrival.
 */
export class Deadline {
  constructor(
    private readonly _clock: MonotonicClock,
    /** Monotonic ms at which the caller stops waiting. */
    readonly atMs: number,
    readonly reserveMs: number,
  ) {}

  /**
   * From a gRPC deadline (wall-clock Date or ms since epoch; Infinity when the caller set none),
   * capped at `maxBudgetMs` from now.
   */
  static fromWallClock(
    deadline: Date | number,
    clock: MonotonicClock,
    wallNowMs: number,
    maxBudgetMs: number,
    reserveMs: number,
  ): Deadline {
    return new Deadline(clock, clock.now() + grpcBudgetMs(deadline, wallNowMs, maxBudgetMs), reserveMs);
  }

  remainingMs(): number {
    return this.atMs - this._clock.now();
  }

  /** True once less than the reserve is left: stop scanning and answer with what there is. */
  shouldStop(): boolean {
    return this.remainingMs() <= this.reserveMs;
  }
}
