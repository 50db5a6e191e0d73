import type { Deadline } from '../time/deadline';

/**
 * fail_open: relevance — on failure keep going and mark the response degraded.
 * fail_closed: safety, blocks, permissions — on failure drop whatever cannot be proven safe.
 */
export type FailurePolicy = 'fail_open' | 'fail_closed';

/** Base contract of every pipeline component (x-algorithm: `name()` + `enable(query)`). */
export interface Component<Q> {
  /** Stable, bounded name; used as the `component` metric label and span name. */
  readonly name: string;
  /** Defaults to fail_open. */
  readonly failurePolicy?: FailurePolicy;
  /**
   * Own time cap in ms for this request (usually from the query's params snapshot); the effective budget
   * is the smaller of this and the request's remaining budget.
   */
  timeoutMs?(query: Q): number | undefined;
  /** Defaults to true. Evaluated once per request against the frozen query. */
  enabled?(query: Q): boolean;
}

/** What the runner hands to every async component call. */
export interface ComponentContext {
  /** Aborted when the component's budget runs out or the request is cancelled; pass it to every I/O call. */
  readonly signal: AbortSignal;
  /** The component's own deadline (request budget minus the reserve, capped by `timeoutMs`). */
  readonly deadline: Deadline;
  /** Unique per component attempt; shares the request id, never reused. */
  readonly attemptId: string;
}

export function policyOf<Q>(component: Component<Q>): FailurePolicy {
  return component.failurePolicy ?? 'fail_open';
}
