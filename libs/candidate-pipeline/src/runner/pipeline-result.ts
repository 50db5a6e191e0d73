import type { CandidateBase } from '../core/candidate';
import type { Degradation, PipelineRecord } from '../ledger/pipeline-record';
import type { SideEffect, SideEffectInput } from '../stages/side-effect';

/** Side effects the caller must hand to a SideEffectSink; the runner never runs them. */
export interface PendingSideEffects<Q, C extends CandidateBase> {
  readonly pipeline: string;
  readonly effects: readonly SideEffect<Q, C>[];
  readonly input: SideEffectInput<Q, C>;
}

export interface PipelineResult<Q, C extends CandidateBase> {
  /** The query after query hydration. */
  readonly query: Q;
  /** In final order (position = index). */
  readonly selected: readonly C[];
  readonly notSelected: readonly C[];
  readonly record: PipelineRecord;
  /** Failed, timed-out, cancelled and disabled components (this run and nested runs). */
  readonly degradations: readonly Degradation[];
  readonly sideEffects: PendingSideEffects<Q, C>;
}
