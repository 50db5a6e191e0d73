import type { Filter, FilterOutput, Result } from '@foryou/candidate-pipeline';
import type { ForYouQuery } from '../../query/for-you-query';
import type { FeedCandidate } from '../candidate/post-candidate';
import { partition } from './partition';

/** The id a post stands for: a repost stands for its original (x-algorithm RetweetDeduplicationFilter). */
export function originalId(c: FeedCandidate): string {
  const core = c.core?.state === 'present' ? c.core.value : undefined;
  return c.repostOfPostId ?? core?.repostOfPostId ?? c.id;
}

/** Keeps one candidate per original post: the first of an original and its reposts, in source order. */
export class RepostDeduplicationFilter implements Filter<ForYouQuery, FeedCandidate> {
  readonly name = 'RepostDeduplicationFilter';

  filter(
    _query: ForYouQuery,
    candidates: readonly FeedCandidate[],
  ): Promise<Result<FilterOutput<FeedCandidate>>> {
    const seen = new Set<string>();
    return Promise.resolve(
      partition(candidates, (c) => {
        const original = originalId(c);
        if (seen.has(original)) {
          return { reason: 'repost_duplicate', detail: `original ${original} already a candidate` };
        }
        seen.add(original);
        return null;
      }),
    );
  }
}
