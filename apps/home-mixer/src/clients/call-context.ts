import type { ComponentContext } from '@foryou/candidate-pipeline';

/** What every downstream call carries: identity, the remaining budget and the cancellation signal. */
export interface CallContext {
  readonly requestId: string;
  /** Unique per attempt; a retry gets a new one, the request id stays. */
  readonly attemptId: string;
  /** Milliseconds the callee may use: the component's remaining deadline (already minus the reserve). */
  readonly budgetMs: number;
  readonly signal: AbortSignal;
}

export function callContext(requestId: string, ctx: ComponentContext): CallContext {
  return { requestId, attemptId: ctx.attemptId, budgetMs: ctx.deadline.remainingMs(), signal: ctx.signal };
}
