import type { CandidateBase } from '../core/candidate';

export interface Placement<C> {
  readonly candidate: C;
  /** Why it is here (selected) or not (not selected); goes to the candidate ledger. */
  readonly reason: string;
}

export interface Selection<C> {
  /** In final order; position = index. */
  readonly selected: readonly Placement<C>[];
  readonly notSelected: readonly Placement<C>[];
}

/**
 * Orders and picks candidates (pure and synchronous, like x-algorithm's selector). Every input candidate
 * must appear exactly once in `selected` or `notSelected`; the runner checks it.
 */
export interface Selector<Q, C extends CandidateBase> {
  readonly name: string;
  enabled?(query: Q): boolean;
  select(query: Q, candidates: readonly C[]): Selection<C>;
}
