import type { Filter, FilterOutput, Result } from '@foryou/candidate-pipeline';
import type { ForYouQuery } from '../../query/for-you-query';
import type { FeedCandidate } from '../candidate/post-candidate';
import { partition } from './partition';

/** Drops posts whose core data could not be established (x-algorithm CoreDataHydrationFilter). */
export class CoreDataFilter implements Filter<ForYouQuery, FeedCandidate> {
  readonly name = 'CoreDataFilter';

  filter(
    _query: ForYouQuery,
    candidates: readonly FeedCandidate[],
  ): Promise<Result<FilterOutput<FeedCandidate>>> {
    return Promise.resolve(
      partition(candidates, (c) =>
        c.core?.state === 'present'
          ? null
          : { reason: 'missing_core_data', detail: c.core?.state ?? 'not hydrated' },
      ),
    );
  }
}
