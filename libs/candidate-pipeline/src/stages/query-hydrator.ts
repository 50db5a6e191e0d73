import type { Component, ComponentContext } from '../core/component';
import type { Result } from '../core/outcome';

/**
 * Fills query fields before candidates exist. All enabled query hydrators run concurrently on the same
 * input query; their outputs are merged in list order, and only the fields a hydrator declares in
 * `fields` are copied (x-algorithm `update`). On failure the fields keep their defaults, which should be
 * an explicit "unknown" for anything a fail-closed filter relies on.
 */
export interface QueryHydrator<Q> extends Component<Q> {
  readonly fields: readonly (keyof Q)[];
  hydrate(query: Q, ctx: ComponentContext): Promise<Result<Partial<Q>>>;
}
