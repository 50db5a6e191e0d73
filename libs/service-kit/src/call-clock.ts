/** A monotonic clock in milliseconds (performance.now in production, a fake in tests). */
export interface MonotonicClock {
  now(): number;
}

export const systemClock: MonotonicClock = { now: () => performance.now() };

/** Resolves on a later turn of the event loop, so other calls, probes and cancellations get a turn. */
export const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * How long a call may take, in ms from `wallNowMs`: until the caller's gRPC deadline (a wall-clock
 * Date or ms since epoch; Infinity when the caller set none), capped at the server's `maxBudgetMs`.
 * Negative once the deadline has passed.
 */
export function grpcBudgetMs(deadline: Date | number, wallNowMs: number, maxBudgetMs: number): number {
  const wall = deadline instanceof Date ? deadline.getTime() : deadline;
  return Math.min(maxBudgetMs, wall - wallNowMs);
}
