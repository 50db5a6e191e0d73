import type { Filter, FilterOutput, Result } from '@foryou/candidate-pipeline';
import type { ForYouQuery } from '../../query/for-you-query';
import type { FeedCandidate } from '../candidate/post-candidate';
import { partition } from './partition';
import { originalId } from './repost-deduplication.filter';

/**
 * Drops posts the client reports as already seen (`seen_ids`), including reposts of a seen original
 * (x-algorithm PreviouslySeenPostsFilter, without the bloom filters).
 */
export class PreviouslySeenFilter implements Filter<ForYouQuery, FeedCandidate> {
  readonly name = 'PreviouslySeenFilter';

  filter(
    query: ForYouQuery,
    candidates: readonly FeedCandidate[],
  ): Promise<Result<FilterOutput<FeedCandidate>>> {
    return Promise.resolve(
      partition(candidates, (c) =>
        query.seenIds.has(c.id) || query.seenIds.has(originalId(c)) ? { reason: 'previously_seen' } : null,
      ),
    );
  }
}
