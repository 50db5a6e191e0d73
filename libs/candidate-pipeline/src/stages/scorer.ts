import type { CandidateBase } from '../core/candidate';
import type { Component, ComponentContext } from '../core/component';
import type { Result } from '../core/outcome';
import type { HydratedRow } from './hydrator';

/**
 * Sets score fields. Scorers run sequentially (each sees the previous one's scores); results are joined
 * by id exactly like hydrator results, and only `fields` are copied.
 */
export interface Scorer<Q, C extends CandidateBase> extends Component<Q> {
  readonly fields: readonly (keyof C)[];
  score(
    query: Q,
    candidates: readonly C[],
    ctx: ComponentContext,
  ): Promise<Result<readonly HydratedRow<C>[]>>;
}
