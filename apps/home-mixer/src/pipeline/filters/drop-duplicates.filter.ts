import type { Filter, FilterOutput, Result } from '@foryou/candidate-pipeline';
import type { ForYouQuery } from '../../query/for-you-query';
import type { FeedCandidate } from '../candidate/post-candidate';
import { partition } from './partition';

/** Keeps the first copy of each id (sources run in list order, so the earlier source wins). */
export class DropDuplicatesFilter implements Filter<ForYouQuery, FeedCandidate> {
  readonly name = 'DropDuplicatesFilter';

  filter(
    _query: ForYouQuery,
    candidates: readonly FeedCandidate[],
  ): Promise<Result<FilterOutput<FeedCandidate>>> {
    const seen = new Set<string>();
    return Promise.resolve(
      partition(candidates, (c) => {
        if (seen.has(c.id)) {
          return { reason: 'duplicate', detail: `also from ${c.servedType}` };
        }
        seen.add(c.id);
        return null;
      }),
    );
  }
}
