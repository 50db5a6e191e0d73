import type { Action } from '@foryou/world';
import type { PostCorpus } from './corpus';

/** One action of a viewer's history as it arrives (wire `UserAction` or `ActionHistory.recent`). */
export interface SequenceAction {
  readonly postId: string;
  readonly action: string;
  readonly atMs: number;
}

/**
 * Weight of each action in the user tower's pooled history. Negative actions weigh 0: the user
 * tower summarises interest, so they (and unknown action names) are ignored.
 */
export const SEQUENCE_ACTION_WEIGHTS: Readonly<Record<Action, number>> = {
  reply: 3,
  repost: 2.5,
  favorite: 2,
  click: 1,
  dwell: 1,
  not_interested: 0,
  block_author: 0,
  mute_author: 0,
  report: 0,
};

/** A usable history entry: a known post (its corpus row) with a positive weight. */
export interface UsableAction {
  readonly row: number;
  readonly weight: number;
}

function weightOf(action: string): number {
  return Object.hasOwn(SEQUENCE_ACTION_WEIGHTS, action) ? SEQUENCE_ACTION_WEIGHTS[action as Action] : 0;
}

/**
 * The entries the towers read: those with a known post and a positive action, newest first (by
 * `atMs`, ties in input order), at most `maxLen`. Unknown posts, negative or unknown actions and
 * non-finite times are dropped — the same rule in training and serving.
 */
export function usableSequence(
  corpus: PostCorpus,
  sequence: readonly SequenceAction[],
  maxLen: number,
): UsableAction[] {
  const kept: { row: number; weight: number; atMs: number; i: number }[] = [];
  sequence.forEach((s, i) => {
    const row = corpus.rowOf.get(s.postId);
    const weight = weightOf(s.action);
    if (row !== undefined && weight > 0 && Number.isFinite(s.atMs)) {
      kept.push({ row, weight, atMs: s.atMs, i });
    }
  });
  kept.sort((a, b) => b.atMs - a.atMs || a.i - b.i);
  return kept.slice(0, Math.max(0, maxLen)).map(({ row, weight }) => ({ row, weight }));
}
