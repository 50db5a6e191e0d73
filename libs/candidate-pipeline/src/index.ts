export type { CandidateBase, QueryBase } from './core/candidate';
export { policyOf, type Component, type ComponentContext, type FailurePolicy } from './core/component';
export { present, known, UNKNOWN, type FieldResult, type FieldState, type Known } from './core/field-result';
export {
  ok,
  fail,
  isFailure,
  ERROR_KINDS,
  COMPONENT_STATUSES,
  type ErrorKind,
  type Failure,
  type Result,
  type ComponentStatus,
  type ComponentOutcome,
} from './core/outcome';
export { type Clock, SystemClock } from './time/clock';
export { FakeClock } from './time/fake-clock';
export { Deadline } from './time/deadline';
export { STAGE_ORDER, type StageKind } from './stages/stage-kind';
export type { QueryHydrator } from './stages/query-hydrator';
export { sourced, type Source, type SourceOutput, type SourcedCandidate } from './stages/source';
export type { Hydrator, HydratedRow } from './stages/hydrator';
export type { Filter, FilterOutput, Removal } from './stages/filter';
export type { Scorer } from './stages/scorer';
export type { Selector, Selection, Placement } from './stages/selector';
export type { SideEffect, SideEffectInput } from './stages/side-effect';
export type {
  CandidateFate,
  CandidateRecord,
  ComponentRecord,
  Degradation,
  PipelineRecord,
  SourceProvenance,
  StageRecord,
  StageStatus,
} from './ledger/pipeline-record';
export { joinById, applyOwned, type AlignmentViolationKind, type JoinResult } from './runner/join-by-id';
export type { PipelineDefinition } from './runner/pipeline-definition';
export type { PipelineResult, PendingSideEffects } from './runner/pipeline-result';
export { PipelineRunner, type RunnerDeps, type RunOptions } from './runner/pipeline-runner';
export {
  PromPipelineMetrics,
  NOOP_PIPELINE_METRICS,
  type PipelineMetrics,
} from './telemetry/pipeline-metrics';
export {
  InProcessSideEffectSink,
  type SideEffectSink,
  type SideEffectObserver,
} from './side-effects/side-effect-sink';
