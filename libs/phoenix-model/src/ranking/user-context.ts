import type { ModelParams, ModelSpec } from '../model-spec';
import { l2NormalizeInPlace } from '../math/vector';
import type { PostCorpus } from '../towers/corpus';
import { poolHistory, userForward } from '../towers/user-tower';
import { type SequenceAction, usableSequence } from '../towers/user-sequence';

/**
 * Everything the ranker knows about the viewer, derived from the action sequence alone (never from
 * the other candidates of a request): the user-tower vector and summaries of the usable history.
 */
export interface UserContext {
  /** The L2-normalised user vector; null when there is no usable history (no personalisation). */
  readonly userVector: Float64Array | null;
  /** Normalised action-weighted mean of the history's raw content embeddings; null without history. */
  readonly contentMean: Float64Array | null;
  /** Action-weighted share of the history per topic (all 0 without history). */
  readonly topicShare: Float64Array;
  /** Action-weighted share of the history per author id. */
  readonly authorShare: ReadonlyMap<string, number>;
  /** Number of usable history entries (at most spec.seqLen). */
  readonly length: number;
}

/** Builds the context from a raw sequence (see `usableSequence` for what is kept). */
export function buildUserContext(
  spec: ModelSpec,
  p: ModelParams,
  corpus: PostCorpus,
  corpusEmb: Float32Array,
  sequence: readonly SequenceAction[],
): UserContext {
  const history = usableSequence(corpus, sequence, spec.seqLen);
  const user = userForward(spec, p, poolHistory(spec.embedDim, corpusEmb, history));
  const topicShare = new Float64Array(corpus.topics);
  const authorShare = new Map<string, number>();
  const d = corpus.dim;
  const contentMean = new Float64Array(d);
  let total = 0;
  for (const { row, weight } of history) {
    total += weight;
    const t = corpus.topic[row]!;
    topicShare[t] = topicShare[t]! + weight;
    const author = corpus.authorIds[row]!;
    authorShare.set(author, (authorShare.get(author) ?? 0) + weight);
    for (let k = 0; k < d; k++) {
      contentMean[k] = contentMean[k]! + weight * corpus.content[row * d + k]!;
    }
  }
  if (total > 0) {
    for (let t = 0; t < topicShare.length; t++) {
      topicShare[t] = topicShare[t]! / total;
    }
    for (const [author, w] of authorShare) {
      authorShare.set(author, w / total);
    }
  }
  const hasMean = total > 0 && l2NormalizeInPlace(contentMean) > 0;
  return {
    userVector: user ? user.out : null,
    contentMean: hasMean ? contentMean : null,
    topicShare,
    authorShare,
    length: history.length,
  };
}
