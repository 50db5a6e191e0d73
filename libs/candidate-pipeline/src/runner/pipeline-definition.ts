import type { CandidateBase, QueryBase } from '../core/candidate';
import type { Filter } from '../stages/filter';
import type { Hydrator } from '../stages/hydrator';
import type { QueryHydrator } from '../stages/query-hydrator';
import type { Scorer } from '../stages/scorer';
import type { Selector } from '../stages/selector';
import type { SideEffect } from '../stages/side-effect';
import type { Source } from '../stages/source';

/**
 * A pipeline as a composition root lists it: components per stage, in order. The runner owns how they
 * execute (see STAGE_ORDER); the definition only says what runs.
 */
export interface PipelineDefinition<Q extends QueryBase, C extends CandidateBase> {
  readonly name: string;
  readonly queryHydrators: readonly QueryHydrator<Q>[];
  readonly sources: readonly Source<Q, C>[];
  readonly hydrators: readonly Hydrator<Q, C>[];
  readonly filters: readonly Filter<Q, C>[];
  readonly scorers: readonly Scorer<Q, C>[];
  readonly selector: Selector<Q, C>;
  readonly postSelectionHydrators: readonly Hydrator<Q, C>[];
  readonly postSelectionFilters: readonly Filter<Q, C>[];
  readonly sideEffects: readonly SideEffect<Q, C>[];
  /** How many selected candidates survive truncation. */
  resultSize(query: Q): number;
}
