import {
  candidateCacheWork,
  type CandidateCacheRepository,
  type CandidateCacheWrite,
  type DurableWork,
} from '@foryou/feed-state';
import type { ForYouQuery } from '../../query/for-you-query';
import type { DurableSideEffect, FeedSideEffectInput } from './durable-side-effect';

/**
 * Caches this request's best scored posts for the viewer (x-algorithm RedisPostCandidateCache): the top
 * `maxPostsToCache` posts with a positive weighted score, with a TTL. A write computed earlier never
 * replaces one computed later (late deliveries are `superseded`).
 */
export class CacheCandidatesSideEffect implements DurableSideEffect {
  readonly name = 'CacheCandidates';

  constructor(private readonly _cache: CandidateCacheRepository) {}

  enabled(query: ForYouQuery): boolean {
    return !query.debug && query.params.values.cachedPosts.enabled;
  }

  work(input: FeedSideEffectInput): DurableWork {
    return candidateCacheWork(cacheWrite(input));
  }

  async run(input: FeedSideEffectInput): Promise<void> {
    const payload = cacheWrite(input);
    await this._cache.apply(payload, candidateCacheWork(payload).businessKey);
  }
}

function cacheWrite(input: FeedSideEffectInput): CandidateCacheWrite {
  const { query } = input;
  const { maxPostsToCache, ttlSeconds } = query.params.values.candidateCache;
  const posts = [...input.selected, ...input.notSelected]
    .filter((c) => c.type === 'post' && (c.weightedScore ?? 0) > 0)
    .sort((a, b) => b.weightedScore! - a.weightedScore! || a.id.localeCompare(b.id))
    .slice(0, maxPostsToCache)
    .map((c) => ({ postId: c.id, score: c.weightedScore!, version: c.modelVersion ?? 'unknown' }));
  return {
    viewerId: query.viewerId,
    requestId: query.requestId,
    writtenAtMs: query.requestTimeMs,
    posts,
    ttlSeconds,
  };
}
