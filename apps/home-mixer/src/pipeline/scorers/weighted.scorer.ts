import { ok, type HydratedRow, type Result, type Scorer } from '@foryou/candidate-pipeline';
import { ACTIONS, type Action } from '@foryou/world';
import type { FeedParams } from '../../params/feed-params';
import type { ForYouQuery } from '../../query/for-you-query';
import type { FeedCandidate } from '../candidate/post-candidate';

/**
 * x-algorithm RankingScorer: (1) combined = Σ P(action)·weight; (2) negative-score offset so scores stay
 * positive and ordered; (3) author diversity — an author's n-th post (0-based, by weighted score) is
 * multiplied by (1 − floor)·decay^n + floor; (4) out-of-network posts × oonWeightFactor.
 * Sets `weightedScore` (after 1–2), `score` (after 3–4) and `scoreBreakdown` (every contribution, kept in
 * the ledger); candidates without predictions get none of them.
 */
export class WeightedScorer implements Scorer<ForYouQuery, FeedCandidate> {
  readonly name = 'WeightedScorer';
  readonly fields = ['weightedScore', 'score', 'scoreBreakdown'] as const;

  score(
    query: ForYouQuery,
    candidates: readonly FeedCandidate[],
  ): Promise<Result<readonly HydratedRow<FeedCandidate>[]>> {
    const p = query.params.values.ranking;
    const weighted = new Map<string, { combined: number; offset: number }>();
    for (const c of candidates) {
      if (c.predictions) {
        const combined = combine(c.predictions, p.weights);
        weighted.set(c.id, { combined, offset: offsetScore(combined, p) });
      }
    }
    const byWeighted = [...candidates]
      .filter((c) => weighted.has(c.id))
      .sort((a, b) => weighted.get(b.id)!.offset - weighted.get(a.id)!.offset || a.id.localeCompare(b.id));
    const seenPerAuthor = new Map<string, number>();
    const rows = new Map<string, Partial<FeedCandidate>>();
    for (const c of byWeighted) {
      const author = c.authorId ?? '';
      const n = seenPerAuthor.get(author) ?? 0;
      seenPerAuthor.set(author, n + 1);
      const diversity = (1 - p.authorDiversityFloor) * p.authorDiversityDecay ** n + p.authorDiversityFloor;
      const oon = c.inNetwork ? 1 : p.oonWeightFactor;
      const { combined, offset } = weighted.get(c.id)!;
      rows.set(c.id, {
        weightedScore: offset,
        score: offset * diversity * oon,
        scoreBreakdown: {
          contributions: contributions(c.predictions!, p.weights),
          combined,
          afterOffset: offset,
          authorRank: n,
          diversityMultiplier: diversity,
          oonFactor: oon,
        },
      });
    }
    return Promise.resolve(
      ok(
        candidates.map((c) => ({
          id: c.id,
          patch: rows.get(c.id) ?? { weightedScore: undefined, score: undefined, scoreBreakdown: undefined },
        })),
      ),
    );
  }
}

/** P(action) × weight per action: each head's contribution to the combined score. */
function contributions(
  predictions: Readonly<Record<Action, number>>,
  weights: Readonly<Record<Action, number>>,
): Record<Action, number> {
  return Object.fromEntries(ACTIONS.map((a) => [a, predictions[a] * weights[a]])) as Record<Action, number>;
}

export function combine(
  predictions: Readonly<Record<Action, number>>,
  weights: Readonly<Record<Action, number>>,
): number {
  return ACTIONS.reduce((sum, a) => sum + predictions[a] * weights[a], 0);
}

/** x-algorithm's offset: negative combined scores map into [0, offset), others shift up by the offset. */
export function offsetScore(combined: number, p: FeedParams['ranking']): number {
  const weights = Object.values(p.weights);
  const pos = weights.filter((w) => w > 0).reduce((s, w) => s + w, 0);
  const neg = -weights.filter((w) => w < 0).reduce((s, w) => s + w, 0);
  const total = pos + neg;
  if (total === 0) {
    return Math.max(combined, 0);
  }
  if (combined < 0) {
    return ((combined + neg) / total) * p.negativeScoresOffset;
  }
  return combined + p.negativeScoresOffset;
}
