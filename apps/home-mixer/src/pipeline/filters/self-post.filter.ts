import type { Filter, FilterOutput, Result } from '@foryou/candidate-pipeline';
import type { ForYouQuery } from '../../query/for-you-query';
import type { FeedCandidate } from '../candidate/post-candidate';
import { partition } from './partition';

/** Drops the viewer's own posts (x-algorithm SelfTweetFilter). */
export class SelfPostFilter implements Filter<ForYouQuery, FeedCandidate> {
  readonly name = 'SelfPostFilter';

  filter(
    query: ForYouQuery,
    candidates: readonly FeedCandidate[],
  ): Promise<Result<FilterOutput<FeedCandidate>>> {
    return Promise.resolve(
      partition(candidates, (c) => (c.authorId === query.viewerId ? { reason: 'self_post' } : null)),
    );
  }
}
