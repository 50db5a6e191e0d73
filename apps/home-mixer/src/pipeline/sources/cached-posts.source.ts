import { ok, sourced, type Result, type Source, type SourceOutput } from '@foryou/candidate-pipeline';
import type { ForYouQuery } from '../../query/for-you-query';
import type { FeedCandidate } from '../candidate/post-candidate';

/**
 * Candidates an earlier request scored and cached (x-algorithm CachedPostsSource). They re-enter the
 * whole pipeline: filters (previously served, blocks, safety) still apply to them.
 */
export class CachedPostsSource implements Source<ForYouQuery, FeedCandidate> {
  readonly name = 'CachedPostsSource';

  enabled(query: ForYouQuery): boolean {
    return query.params.values.cachedPosts.enabled;
  }

  fetch(query: ForYouQuery): Promise<Result<SourceOutput<FeedCandidate>>> {
    const cached = query.cachedPosts.state === 'known' ? query.cachedPosts.value : [];
    return Promise.resolve(
      ok({
        candidates: cached.map((c) =>
          sourced<FeedCandidate>(
            { id: c.postId, type: 'post', servedType: 'cached', cachedScore: c.score },
            c.score,
            c.version,
          ),
        ),
      }),
    );
  }
}
