import { known, type ComponentContext, type QueryHydrator, type Result } from '@foryou/candidate-pipeline';
import type { SocialGraphClient } from '../../clients/social-graph.client';
import type { ForYouQuery } from '../../query/for-you-query';

/** Who the viewer follows. Fail-open: without it there is no in-network source, nothing unsafe follows. */
export class FollowedIdsQueryHydrator implements QueryHydrator<ForYouQuery> {
  readonly name = 'FollowedIds';
  readonly fields = ['followedIds'] as const;

  constructor(private readonly _graph: SocialGraphClient) {}

  enabled(query: ForYouQuery): boolean {
    return query.viewerKnown;
  }

  async hydrate(query: ForYouQuery, ctx: ComponentContext): Promise<Result<Partial<ForYouQuery>>> {
    const result = await this._graph.following(query.viewerId, ctx.signal);
    return result.ok ? { ok: true, value: { followedIds: known(result.value) } } : result;
  }
}
