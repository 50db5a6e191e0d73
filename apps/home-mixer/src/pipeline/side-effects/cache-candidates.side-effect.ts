import type { SideEffect, SideEffectInput } from '@foryou/candidate-pipeline';
import type { ForYouQuery } from '../../query/for-you-query';
import type { CandidateCacheRepository } from '../../repositories/candidate-cache.repository';
import type { FeedCandidate } from '../candidate/post-candidate';

/**
 * Caches this request's best scored posts for the viewer (x-algorithm RedisPostCandidateCache): the top
 * `maxPostsToCache` posts with a positive weighted score, with a TTL.
 */
export class CacheCandidatesSideEffect implements SideEffect<ForYouQuery, FeedCandidate> {
  readonly name = 'CacheCandidates';

  constructor(private readonly _cache: CandidateCacheRepository) {}

  enabled(query: ForYouQuery): boolean {
    return !query.debug && query.params.values.cachedPosts.enabled;
  }

  run(input: SideEffectInput<ForYouQuery, FeedCandidate>): Promise<void> {
    const { query } = input;
    const { maxPostsToCache, ttlSeconds } = query.params.values.candidateCache;
    const posts = [...input.selected, ...input.notSelected]
      .filter((c) => c.type === 'post' && (c.weightedScore ?? 0) > 0)
      .sort((a, b) => b.weightedScore! - a.weightedScore! || a.id.localeCompare(b.id))
      .slice(0, maxPostsToCache)
      .map((c) => ({ postId: c.id, score: c.weightedScore!, version: c.modelVersion ?? 'unknown' }));
    return this._cache.write(query.viewerId, posts, ttlSeconds);
  }
}
