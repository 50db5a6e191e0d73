import { known, type ComponentContext, type QueryHydrator, type Result } from '@foryou/candidate-pipeline';
import type { SocialGraphClient } from '../../clients/social-graph.client';
import type { ForYouQuery } from '../../query/for-you-query';

/**
 * Authors the viewer blocked. Fail-closed: on failure `blockedIds` stays unknown and
 * AuthorSocialgraphFilter then keeps only authors it can prove are not blocked.
 */
export class BlockedIdsQueryHydrator implements QueryHydrator<ForYouQuery> {
  readonly name = 'BlockedIds';
  readonly failurePolicy = 'fail_closed' as const;
  readonly fields = ['blockedIds'] as const;

  constructor(private readonly _graph: SocialGraphClient) {}

  async hydrate(query: ForYouQuery, ctx: ComponentContext): Promise<Result<Partial<ForYouQuery>>> {
    const result = await this._graph.blocked(query.viewerId, ctx.signal);
    return result.ok ? { ok: true, value: { blockedIds: known(result.value) } } : result;
  }
}
