import type { CandidateBase } from '../core/candidate';

export interface SideEffectInput<Q, C extends CandidateBase> {
  readonly query: Q;
  readonly selected: readonly C[];
  readonly notSelected: readonly C[];
}

/**
 * Work caused by a response that must not delay it (served history, caches, logs). The runner never
 * runs side effects itself: it returns the enabled ones with their input, and the caller hands them to
 * a SideEffectSink after (or, for durable sinks, while) responding.
 */
export interface SideEffect<Q, C extends CandidateBase> {
  readonly name: string;
  enabled?(query: Q): boolean;
  run(input: SideEffectInput<Q, C>, signal: AbortSignal): Promise<void>;
}
