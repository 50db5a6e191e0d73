import type { SearchBudget } from '@foryou/phoenix-model';
import { grpcBudgetMs, type MonotonicClock, yieldToEventLoop } from '@foryou/service-kit';
import { PhoenixError } from '../errors/phoenix-error';

/**
 * The time one call may use: until `reserveMs` before the caller's gRPC deadline, capped at the
 * server's own budget. Also the work loops' checkpoint: it yields to the event loop (so other calls,
 * probes and cancellations get a turn) and throws CANCELLED once the caller has gone away.
 */
export class CallBudget implements SearchBudget {
  private constructor(
    private readonly _clock: MonotonicClock,
    /** Monotonic ms at which work must stop. */
    private readonly _stopAtMs: number,
    private readonly _cancelled: () => boolean,
    private readonly _yield: () => Promise<void>,
  ) {}

  /**
   * From a gRPC deadline (a wall-clock Date or ms since epoch; Infinity when the caller set none).
   */
  static fromDeadline(options: {
    deadline: Date | number;
    wallNowMs: number;
    clock: MonotonicClock;
    maxBudgetMs: number;
    reserveMs: number;
    cancelled: () => boolean;
    yieldToLoop?: () => Promise<void>;
  }): CallBudget {
    const budget = grpcBudgetMs(options.deadline, options.wallNowMs, options.maxBudgetMs) - options.reserveMs;
    return new CallBudget(
      options.clock,
      options.clock.now() + budget,
      options.cancelled,
      options.yieldToLoop ?? yieldToEventLoop,
    );
  }

  remainingMs(): number {
    return this._stopAtMs - this._clock.now();
  }

  expired(): boolean {
    return this.remainingMs() <= 0;
  }

  /** Throws DEADLINE_EXCEEDED when no time is left for any work at all. */
  assertTimeLeft(): void {
    this.assertNotCancelled();
    if (this.expired()) {
      throw new PhoenixError('deadline_exceeded', 'the deadline leaves no time to answer');
    }
  }

  assertNotCancelled(): void {
    if (this._cancelled()) {
      throw new PhoenixError('cancelled', 'the caller cancelled the call');
    }
  }

  async checkpoint(): Promise<void> {
    await this._yield();
    this.assertNotCancelled();
  }
}
