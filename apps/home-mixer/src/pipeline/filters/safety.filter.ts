import type { Filter, FilterOutput, Result } from '@foryou/candidate-pipeline';
import type { ForYouQuery } from '../../query/for-you-query';
import type { FeedCandidate } from '../candidate/post-candidate';
import { partition } from './partition';

/**
 * Keeps only posts with a present, servable safety label. Unknown (not_found, forbidden,
 * dependency_error, not hydrated) is never treated as safe.
 */
export class SafetyFilter implements Filter<ForYouQuery, FeedCandidate> {
  readonly name = 'SafetyFilter';
  readonly failurePolicy = 'fail_closed' as const;

  filter(
    _query: ForYouQuery,
    candidates: readonly FeedCandidate[],
  ): Promise<Result<FilterOutput<FeedCandidate>>> {
    return Promise.resolve(
      partition(candidates, (c) => {
        const safety = c.safety;
        if (safety?.state !== 'present') {
          return {
            reason: 'safety_unknown',
            detail: safety
              ? safety.state === 'dependency_error'
                ? `dependency_error: ${safety.reason}`
                : safety.state
              : 'not hydrated',
          };
        }
        return safety.value === 'unsafe' ? { reason: 'unsafe' } : null;
      }),
    );
  }
}
