import type { Filter, FilterOutput, Result } from '@foryou/candidate-pipeline';
import type { ForYouQuery } from '../../query/for-you-query';
import type { FeedCandidate } from '../candidate/post-candidate';
import { sortKey } from '../selectors/top-k.selector';
import { partition } from './partition';

/** A conversation is identified by the post replied to, or by the post itself. */
function conversationOf(c: FeedCandidate): string {
  const core = c.core?.state === 'present' ? c.core.value : undefined;
  return c.replyToPostId ?? core?.replyToPostId ?? c.id;
}

/**
 * Post-selection: keeps only the best-scored post of each conversation (x-algorithm
 * DedupConversationFilter), so a page does not show a post and its replies side by side.
 */
export class ConversationDedupFilter implements Filter<ForYouQuery, FeedCandidate> {
  readonly name = 'ConversationDedupFilter';

  filter(
    _query: ForYouQuery,
    candidates: readonly FeedCandidate[],
  ): Promise<Result<FilterOutput<FeedCandidate>>> {
    const best = new Map<string, FeedCandidate>();
    for (const c of candidates) {
      const key = conversationOf(c);
      const current = best.get(key);
      if (!current || sortKey(c.score) > sortKey(current.score)) {
        best.set(key, c);
      }
    }
    return Promise.resolve(
      partition(candidates, (c) =>
        best.get(conversationOf(c)) === c
          ? null
          : { reason: 'conversation_duplicate', detail: `conversation ${conversationOf(c)}` },
      ),
    );
  }
}
