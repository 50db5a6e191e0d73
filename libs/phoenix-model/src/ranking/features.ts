import { KIND_CODE, type PostCorpus } from '../towers/corpus';
import { RANK_FEATURES } from '../model-spec';
import type { UserContext } from './user-context';

/** Number of ranker input features. */
export const FEATURE_COUNT = RANK_FEATURES.length;

/**
 * The ranker's features of (viewer context, one candidate), in `RANK_FEATURES` order, written into
 * `out[off..off+FEATURE_COUNT)`. Candidate isolation by construction: the only inputs are the
 * context, the candidate's own corpus row and its in-network flag — never another candidate.
 *
 * - two_tower_similarity: user vector · candidate embedding (0 without a user vector)
 * - has_history: 1 iff the user vector exists
 * - content_similarity: cosine(history content mean, candidate content embedding) (0 without history)
 * - topic_share / author_share: the history's weighted share on the candidate's topic / author
 * - in_network: 1 iff the viewer follows the author (as the caller states it)
 * - author_popularity: the corpus' log-scaled follower count of the author, in [0, 1]
 * - history_length: log(1 + usable entries) / log(1 + seqLen)
 * - is_reply / is_repost / is_video: the post kind
 */
export function writeFeatures(
  ctx: UserContext,
  corpus: PostCorpus,
  corpusEmb: Float32Array,
  embedDim: number,
  seqLen: number,
  row: number,
  inNetwork: boolean,
  out: Float32Array | Float64Array,
  off = 0,
): void {
  let sim = 0;
  if (ctx.userVector) {
    const eOff = row * embedDim;
    for (let j = 0; j < embedDim; j++) {
      sim += ctx.userVector[j]! * corpusEmb[eOff + j]!;
    }
  }
  let content = 0;
  if (ctx.contentMean) {
    const d = corpus.dim;
    for (let k = 0; k < d; k++) {
      content += ctx.contentMean[k]! * corpus.content[row * d + k]!;
    }
  }
  const kind = corpus.kind[row]!;
  out[off] = sim;
  out[off + 1] = ctx.userVector ? 1 : 0;
  out[off + 2] = content;
  out[off + 3] = ctx.topicShare[corpus.topic[row]!] ?? 0;
  out[off + 4] = ctx.authorShare.get(corpus.authorIds[row]!) ?? 0;
  out[off + 5] = inNetwork ? 1 : 0;
  out[off + 6] = corpus.authorPopularity[row]!;
  out[off + 7] = Math.log1p(ctx.length) / Math.log1p(seqLen);
  out[off + 8] = kind === KIND_CODE.reply ? 1 : 0;
  out[off + 9] = kind === KIND_CODE.repost ? 1 : 0;
  out[off + 10] = kind === KIND_CODE.video ? 1 : 0;
}
