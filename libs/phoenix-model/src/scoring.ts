import type { Action } from '@foryou/world';
import type { Prediction } from './runtime';

/** x-algorithm's default RankingScorer weights for the heads this model has. */
export const DEFAULT_ACTION_WEIGHTS: Readonly<Record<Action, number>> = Object.freeze({
  favorite: 0.5,
  reply: 5,
  repost: 1,
  click: 0.4,
  dwell: 0.2,
  not_interested: -43.2,
  block_author: -31.2,
  mute_author: -58.8,
  report: -234,
});

/**
 * Σ_a w_a · p_a. NaN when any weighted prediction is NaN or missing: an unscorable candidate has no
 * score (rankers sort it last), it never silently scores 0.
 */
export function weightedScore(
  prediction: Prediction,
  weights: Readonly<Record<Action, number>> = DEFAULT_ACTION_WEIGHTS,
): number {
  let s = 0;
  for (const a of Object.keys(weights) as Action[]) {
    const w = weights[a];
    if (w === 0) {
      continue;
    }
    const p = prediction[a];
    if (p === undefined || Number.isNaN(p)) {
      return Number.NaN;
    }
    s += w * p;
  }
  return s;
}
