import {
  ok,
  type ComponentContext,
  type HydratedRow,
  type Hydrator,
  type Result,
} from '@foryou/candidate-pipeline';
import type { PostStoreClient } from '../../clients/post-store.client';
import type { ForYouQuery } from '../../query/for-you-query';
import type { FeedCandidate } from '../candidate/post-candidate';

/**
 * Core post data (x-algorithm CoreDataCandidateHydrator), plus the author and whether the viewer follows
 * them — decided here because hydrators of one stage cannot see each other's output.
 */
export class CoreDataHydrator implements Hydrator<ForYouQuery, FeedCandidate> {
  readonly name = 'CoreDataHydrator';
  readonly fields = ['core', 'authorId', 'inNetwork'] as const;

  constructor(private readonly _store: PostStoreClient) {}

  timeoutMs(query: ForYouQuery): number {
    return query.params.values.hydrationTimeoutMs;
  }

  async hydrate(
    query: ForYouQuery,
    candidates: readonly FeedCandidate[],
    ctx: ComponentContext,
  ): Promise<Result<readonly HydratedRow<FeedCandidate>[]>> {
    const result = await this._store.coreData(
      candidates.map((c) => c.id),
      ctx.signal,
    );
    if (!result.ok) {
      return result;
    }
    const followed = query.followedIds.state === 'known' ? query.followedIds.value : undefined;
    return ok(
      candidates.map((c) => {
        const core = result.value.get(c.id) ?? { state: 'not_found' as const };
        if (core.state !== 'present') {
          return { id: c.id, patch: { core } };
        }
        const authorId = core.value.authorId;
        return { id: c.id, patch: { core, authorId, inNetwork: followed?.has(authorId) ?? false } };
      }),
    );
  }
}
