import type { CandidateBase } from '../core/candidate';
import type { Component, ComponentContext } from '../core/component';
import type { Result } from '../core/outcome';

/** One hydrated candidate: the id it belongs to and the owned fields to set. */
export interface HydratedRow<C> {
  readonly id: string;
  readonly patch: Partial<C>;
}

/**
 * Adds fields to candidates. Hydrators of one stage run concurrently on one shared, frozen snapshot (no
 * hydrator sees another's output); results are joined back by candidate id. A duplicate, missing or
 * unknown id is an alignment violation: counted, and that row is rejected. Only `fields` are copied.
 * A fail-closed hydrator's candidates without an accepted row are dropped (nothing unproven continues).
 */
export interface Hydrator<Q, C extends CandidateBase> extends Component<Q> {
  readonly fields: readonly (keyof C)[];
  hydrate(
    query: Q,
    candidates: readonly C[],
    ctx: ComponentContext,
  ): Promise<Result<readonly HydratedRow<C>[]>>;
}
