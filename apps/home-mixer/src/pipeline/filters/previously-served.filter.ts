import type { Filter, FilterOutput, Result } from '@foryou/candidate-pipeline';
import type { ForYouQuery } from '../../query/for-you-query';
import type { FeedCandidate } from '../candidate/post-candidate';
import { partition } from './partition';

/**
 * Drops posts served to the viewer within the served-history window (x-algorithm
 * PreviouslyServedPostsFilter, in its "all requests" mode). Fail-open: unknown history filters nothing.
 */
export class PreviouslyServedFilter implements Filter<ForYouQuery, FeedCandidate> {
  readonly name = 'PreviouslyServedFilter';

  filter(
    query: ForYouQuery,
    candidates: readonly FeedCandidate[],
  ): Promise<Result<FilterOutput<FeedCandidate>>> {
    const served = new Map(
      (query.servedHistory.state === 'known' ? query.servedHistory.value : []).map((e) => [
        e.postId,
        e.servedAtMs,
      ]),
    );
    return Promise.resolve(
      partition(candidates, (c) => {
        const at = served.get(c.id);
        return at === undefined
          ? null
          : {
              reason: 'previously_served',
              detail: `served ${Math.round((query.requestTimeMs - at) / 60_000)} min ago`,
            };
      }),
    );
  }
}
