import { known, type QueryHydrator, type Result } from '@foryou/candidate-pipeline';
import type { ForYouQuery } from '../../query/for-you-query';
import type { CandidateCacheRepository } from '@foryou/feed-state';

/** Candidates cached for the viewer by an earlier request (x-algorithm CachedPostsQueryHydrator). */
export class CachedPostsQueryHydrator implements QueryHydrator<ForYouQuery> {
  readonly name = 'CachedPosts';
  readonly fields = ['cachedPosts'] as const;

  constructor(private readonly _cache: CandidateCacheRepository) {}

  enabled(query: ForYouQuery): boolean {
    return query.params.values.cachedPosts.enabled;
  }

  timeoutMs(query: ForYouQuery): number {
    return query.params.values.cachedPosts.timeoutMs;
  }

  async hydrate(query: ForYouQuery): Promise<Result<Partial<ForYouQuery>>> {
    const result = await this._cache.read(query.viewerId);
    return result.ok ? { ok: true, value: { cachedPosts: known(result.value) } } : result;
  }
}
