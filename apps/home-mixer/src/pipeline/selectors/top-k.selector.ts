import type { Selection, Selector } from '@foryou/candidate-pipeline';
import type { ForYouQuery } from '../../query/for-you-query';
import type { FeedCandidate } from '../candidate/post-candidate';

/** Scores that are missing or not finite sort below every finite score (x-algorithm selector). */
export function sortKey(score: number | undefined): number {
  return score !== undefined && Number.isFinite(score) ? score : -Infinity;
}

/** Top `scoredPostsSize` by score, ties by id (stable for equal inputs). */
export class TopKScoreSelector implements Selector<ForYouQuery, FeedCandidate> {
  readonly name = 'TopKScoreSelector';

  select(query: ForYouQuery, candidates: readonly FeedCandidate[]): Selection<FeedCandidate> {
    const k = query.params.values.scoredPostsSize;
    const sorted = [...candidates].sort(
      (a, b) => sortKey(b.score) - sortKey(a.score) || a.id.localeCompare(b.id),
    );
    return {
      selected: sorted.slice(0, k).map((c, i) => ({
        candidate: c,
        reason:
          c.score === undefined ? `rank ${i + 1}, unscored` : `rank ${i + 1} by score ${c.score.toFixed(4)}`,
      })),
      notSelected: sorted.slice(k).map((c) => ({ candidate: c, reason: `below top ${k}` })),
    };
  }
}
