import type { Component, ComponentContext } from '../core/component';
import type { Result } from '../core/outcome';
import type { PipelineRecord } from '../ledger/pipeline-record';

/** A candidate as a source produced it, with what the candidate ledger should remember about its origin. */
export interface SourcedCandidate<C> {
  readonly candidate: C;
  /** The source's own score (e.g. retrieval similarity); kept in the ledger, not used for ranking. */
  readonly rawScore?: number;
  /** Version of what produced it (model, corpus, cache entry). */
  readonly version?: string;
}

export interface SourceOutput<C> {
  readonly candidates: readonly SourcedCandidate<C>[];
  /** When the source is itself a pipeline run, its record; the debug view shows it nested. */
  readonly nested?: PipelineRecord;
  /** Set when the candidates are a valid but incomplete answer; the reason is reported as `partial`. */
  readonly partial?: string;
}

/**
 * Produces candidates. All enabled sources run concurrently; a failed source contributes nothing and is
 * reported, the others' candidates are kept; outputs are concatenated in list order.
 */
export interface Source<Q, C> extends Component<Q> {
  fetch(query: Q, ctx: ComponentContext): Promise<Result<SourceOutput<C>>>;
}

export function sourced<C>(candidate: C, rawScore?: number, version?: string): SourcedCandidate<C> {
  return { candidate, ...(rawScore === undefined ? {} : { rawScore }), ...(version ? { version } : {}) };
}
