import type { Filter, FilterOutput, Result } from '@foryou/candidate-pipeline';
import type { ForYouQuery } from '../../query/for-you-query';
import type { FeedCandidate } from '../candidate/post-candidate';
import { partition } from './partition';

/** Drops posts older than the retrieval window (x-algorithm AgeFilter); cached posts can be stale. */
export class AgeFilter implements Filter<ForYouQuery, FeedCandidate> {
  readonly name = 'AgeFilter';

  filter(
    query: ForYouQuery,
    candidates: readonly FeedCandidate[],
  ): Promise<Result<FilterOutput<FeedCandidate>>> {
    const notBefore = query.contentTimeMs - query.params.values.retrieval.maxAgeMs;
    return Promise.resolve(
      partition(candidates, (c) =>
        c.core?.state === 'present' && c.core.value.createdAtMs < notBefore ? { reason: 'too_old' } : null,
      ),
    );
  }
}
