import { known, type ComponentContext, type QueryHydrator, type Result } from '@foryou/candidate-pipeline';
import type { SocialGraphClient } from '../../clients/social-graph.client';
import type { ForYouQuery } from '../../query/for-you-query';

/** Authors the viewer muted. Fail-closed, like BlockedIdsQueryHydrator. */
export class MutedIdsQueryHydrator implements QueryHydrator<ForYouQuery> {
  readonly name = 'MutedIds';
  readonly failurePolicy = 'fail_closed' as const;
  readonly fields = ['mutedIds'] as const;

  constructor(private readonly _graph: SocialGraphClient) {}

  async hydrate(query: ForYouQuery, ctx: ComponentContext): Promise<Result<Partial<ForYouQuery>>> {
    const result = await this._graph.muted(query.viewerId, ctx.signal);
    return result.ok ? { ok: true, value: { mutedIds: known(result.value) } } : result;
  }
}
