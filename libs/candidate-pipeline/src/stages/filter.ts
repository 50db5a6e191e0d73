import type { CandidateBase } from '../core/candidate';
import type { Component, ComponentContext } from '../core/component';
import type { Result } from '../core/outcome';

export interface Removal<C> {
  readonly candidate: C;
  /** Bounded reason code (a metric label), e.g. `blocked_author`. */
  readonly reason: string;
  /** Free text for the ledger only (never a metric label). */
  readonly detail?: string;
}

export interface FilterOutput<C> {
  readonly kept: readonly C[];
  readonly removed: readonly Removal<C>[];
}

/**
 * Splits candidates into kept and removed-with-reason. Filters run sequentially in list order. The
 * runner checks conservation (kept + removed = input, by id multiset); a violation counts as an error.
 * On error a fail-open filter keeps everything; a fail-closed filter removes everything.
 */
export interface Filter<Q, C extends CandidateBase> extends Component<Q> {
  filter(query: Q, candidates: readonly C[], ctx: ComponentContext): Promise<Result<FilterOutput<C>>>;
}
