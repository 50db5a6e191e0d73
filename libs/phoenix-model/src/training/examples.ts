import {
  ACTIONS,
  type ActionHistory,
  type Engagement,
  strongestPositiveAction,
  type World,
} from '@foryou/world';
import type { PostCorpus } from '../towers/corpus';
import { type UsableAction, usableSequence } from '../towers/user-sequence';

/** A positive training engagement and the user's usable history strictly before it. */
export interface RetrievalPair {
  readonly row: number;
  readonly history: readonly UsableAction[];
}

/** One logged impression: who saw which post, whether in-network, and which actions followed. */
export interface Impression {
  readonly userId: string;
  readonly row: number;
  readonly inNetwork: boolean;
  /** Bit k set iff the viewer took ACTIONS[k]. */
  readonly labels: number;
  readonly atMs: number;
}

/** The training view of the log: train = before the cutoff, holdout = the rest. */
export interface TrainingData {
  /** Positive train engagements whose user had usable history before them (the user tower needs one). */
  readonly pairs: readonly RetrievalPair[];
  /** Every train impression (positives and negatives). */
  readonly impressions: readonly Impression[];
  readonly holdoutImpressions: readonly Impression[];
}

function labelsOf(e: Engagement): number {
  let bits = 0;
  ACTIONS.forEach((a, k) => {
    if (e.actions.has(a)) {
      bits |= 1 << k;
    }
  });
  return bits;
}

/** Builds the examples of both models from the action history (no engagement at or after the cutoff is trained on). */
export function buildTrainingData(
  world: World,
  corpus: PostCorpus,
  history: ActionHistory,
  seqLen: number,
): TrainingData {
  const pairs: RetrievalPair[] = [];
  const impressions: Impression[] = [];
  const holdoutImpressions: Impression[] = [];
  for (const e of history.events) {
    const row = corpus.rowOf.get(e.postId);
    if (row === undefined) {
      continue;
    }
    const impression: Impression = {
      userId: e.viewerId,
      row,
      inNetwork: world.following(e.viewerId).has(corpus.authorIds[row]!),
      labels: labelsOf(e),
      atMs: e.atMs,
    };
    if (e.atMs >= history.trainCutoffMs) {
      holdoutImpressions.push(impression);
      continue;
    }
    impressions.push(impression);
    if (strongestPositiveAction(e) !== undefined) {
      const before = usableSequence(corpus, history.recent(e.viewerId, seqLen, e.atMs), seqLen);
      if (before.length > 0) {
        pairs.push({ row, history: before });
      }
    }
  }
  return { pairs, impressions, holdoutImpressions };
}
