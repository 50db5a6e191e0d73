import type { Filter, FilterOutput, Known, Result } from '@foryou/candidate-pipeline';
import type { ForYouQuery } from '../../query/for-you-query';
import type { FeedCandidate } from '../candidate/post-candidate';
import { partition } from './partition';

/**
 * Drops posts by authors the viewer blocked or muted (x-algorithm AuthorSocialgraphFilter). Fail-closed:
 * when a list is unknown, only authors the viewer follows are kept — blocking removes the follow edge,
 * so a followed author is provably not blocked. Without the follow list too, every post is dropped.
 */
export class AuthorSocialgraphFilter implements Filter<ForYouQuery, FeedCandidate> {
  readonly name = 'AuthorSocialgraphFilter';
  readonly failurePolicy = 'fail_closed' as const;

  filter(
    query: ForYouQuery,
    candidates: readonly FeedCandidate[],
  ): Promise<Result<FilterOutput<FeedCandidate>>> {
    const followed = query.followedIds.state === 'known' ? query.followedIds.value : new Set<string>();
    const check = (list: Known<ReadonlySet<string>>, author: string, hit: string, unknown: string) => {
      if (list.state === 'known') {
        return list.value.has(author) ? { reason: hit } : null;
      }
      return followed.has(author)
        ? null
        : { reason: unknown, detail: 'list unavailable; author not followed' };
    };
    return Promise.resolve(
      partition(candidates, (c) => {
        if (c.authorId === undefined) {
          return { reason: 'unknown_author' };
        }
        return (
          check(query.blockedIds, c.authorId, 'blocked_author', 'block_list_unavailable') ??
          check(query.mutedIds, c.authorId, 'muted_author', 'mute_list_unavailable')
        );
      }),
    );
  }
}
