import type { FailurePolicy } from '../core/component';
import type { ComponentStatus, ErrorKind } from '../core/outcome';
import type { StageKind } from '../stages/stage-kind';

/** One component call as the runner saw it. */
export interface ComponentRecord {
  readonly component: string;
  readonly status: ComponentStatus;
  readonly policy: FailurePolicy;
  readonly latencyMs: number;
  readonly errorKind: ErrorKind | null;
  readonly message: string | null;
  /** Candidates in / out for this component; null where it does not process candidates. */
  readonly inputCount: number | null;
  readonly outputCount: number | null;
  readonly alignmentViolations: number;
}

export type StageStatus = 'ok' | 'degraded' | 'skipped' | 'fatal';

/**
 * One row of the stage ledger. Counts are null, not 0, where the stage does not process candidates
 * (query hydrators) or did not run.
 */
export interface StageRecord {
  readonly stage: StageKind | 'terminal';
  readonly inputCount: number | null;
  readonly outputCount: number | null;
  readonly latencyMs: number;
  readonly status: StageStatus;
  readonly errorKind: ErrorKind | null;
  readonly components: readonly ComponentRecord[];
}

export interface SourceProvenance {
  readonly source: string;
  readonly rawScore?: number;
  readonly version?: string;
}

export type CandidateFate =
  | { readonly bucket: 'selected'; readonly position: number; readonly reason: string }
  | {
      readonly bucket: 'filtered';
      readonly stage: StageKind;
      readonly component: string;
      readonly reason: string;
      readonly detail?: string;
    }
  | { readonly bucket: 'not_selected'; readonly reason: string };

/** The life of one candidate id through the pipeline. Every id ends in exactly one bucket. */
export interface CandidateRecord {
  readonly id: string;
  readonly sources: readonly SourceProvenance[];
  /** Field name → component that set it. */
  readonly fieldOrigins: Readonly<Record<string, string>>;
  /** Values of the fields scorers set (predictions, score contributions): why it ranked where it did. */
  readonly scoring: Readonly<Record<string, unknown>>;
  /** Further copies of this id removed while one copy went on (e.g. by a duplicates filter). */
  readonly duplicatesRemoved: number;
  readonly fate: CandidateFate;
}

/** Everything the debug endpoint shows about one pipeline run. */
export interface PipelineRecord {
  readonly pipeline: string;
  readonly requestId: string;
  readonly stages: readonly StageRecord[];
  readonly candidates: readonly CandidateRecord[];
  /** Runs of nested pipelines (a source that is itself a pipeline), by source name. */
  readonly nested: Readonly<Record<string, PipelineRecord>>;
  /** Failed, timed-out, cancelled and disabled components of this run and its nested runs. */
  readonly degradations: readonly Degradation[];
}

/** A component that did not do its job in one run, and why. */
export interface Degradation {
  readonly pipeline: string;
  readonly stage: StageKind;
  readonly component: string;
  readonly status: Exclude<ComponentStatus, 'ok' | 'empty'>;
  readonly policy: FailurePolicy;
  readonly errorKind: ErrorKind | null;
  readonly reason: string;
}
