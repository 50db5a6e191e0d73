import { type ActionHistory, type Rng } from '@foryou/world';
import { Adam } from '../math/adam';
import { logSigmoid, sigmoid } from '../math/vector';
import { HEADS, type ModelParams, type ModelSpec } from '../model-spec';
import { FEATURE_COUNT, writeFeatures } from '../ranking/features';
import { type RankerGrads, rankerBackward, rankerForward, rankerScratch } from '../ranking/ranker';
import { buildUserContext, type UserContext } from '../ranking/user-context';
import type { PostCorpus } from '../towers/corpus';
import type { TrainingConfig } from './config';
import type { Impression } from './examples';
import type { EpochListener } from './retrieval-trainer';
import { shuffledIndices } from './shuffle';

const K = HEADS.length;

/**
 * The ranker's feature matrix (impressions × FEATURE_COUNT) with each impression's user context built
 * exactly as serving builds it: from the user's usable history strictly before the impression.
 * Impressions are grouped per user so a context is rebuilt only when the history changes.
 */
export function featureMatrix(
  spec: ModelSpec,
  p: ModelParams,
  corpus: PostCorpus,
  corpusEmb: Float32Array,
  history: ActionHistory,
  impressions: readonly Impression[],
): Float32Array {
  const x = new Float32Array(impressions.length * FEATURE_COUNT);
  const byUser = new Map<string, number[]>();
  impressions.forEach((imp, i) => {
    const list = byUser.get(imp.userId);
    if (list) {
      list.push(i);
    } else {
      byUser.set(imp.userId, [i]);
    }
  });
  for (const [userId, indices] of byUser) {
    let seen = -1;
    let ctx: UserContext | undefined;
    for (const i of indices) {
      const imp = impressions[i]!;
      const count = history.positiveCount(userId, imp.atMs);
      if (!ctx || count !== seen) {
        seen = count;
        ctx = buildUserContext(spec, p, corpus, corpusEmb, history.recent(userId, spec.seqLen, imp.atMs));
      }
      writeFeatures(
        ctx,
        corpus,
        corpusEmb,
        spec.embedDim,
        spec.seqLen,
        imp.row,
        imp.inNetwork,
        x,
        i * FEATURE_COUNT,
      );
    }
  }
  return x;
}

/** Mean over impressions of the per-head-averaged binary cross-entropy. */
export function rankingLoss(
  spec: ModelSpec,
  p: ModelParams,
  x: Float32Array,
  impressions: readonly Impression[],
): number {
  let sum = 0;
  const scratch = rankerScratch(spec);
  for (let i = 0; i < impressions.length; i++) {
    const { logits } = rankerForward(spec, p, x, i * FEATURE_COUNT, scratch);
    sum += bce(logits, impressions[i]!.labels);
  }
  return impressions.length > 0 ? sum / impressions.length : Number.NaN;
}

function bce(logits: Float64Array, labels: number): number {
  let s = 0;
  for (let k = 0; k < K; k++) {
    const z = logits[k]!;
    s -= (labels >> k) & 1 ? logSigmoid(z) : logSigmoid(-z);
  }
  return s / K;
}

/** Per-action base rate of the impressions (add-½ smoothed, clamped to [1e-4, 1 − 1e-4]). */
export function baseRates(impressions: readonly Impression[]): Float64Array {
  const rates = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    let positives = 0;
    for (const imp of impressions) {
      positives += (imp.labels >> k) & 1;
    }
    rates[k] = Math.min(1 - 1e-4, Math.max(1e-4, (positives + 0.5) / (impressions.length + 1)));
  }
  return rates;
}

/** The loss of the constant predictor `rates` on `impressions`: the bar a ranker must clear. */
export function baseRateLoss(rates: Float64Array, impressions: readonly Impression[]): number {
  const logits = rates.map((r) => Math.log(r / (1 - r)));
  let sum = 0;
  for (const imp of impressions) {
    sum += bce(logits, imp.labels);
  }
  return impressions.length > 0 ? sum / impressions.length : Number.NaN;
}

/**
 * Trains the ranker in place by minibatch Adam on per-head binary cross-entropy over every train
 * impression (positives and negatives). Head biases start at the log-odds of each action's base rate.
 * Returns the mean loss per epoch.
 */
export function trainRanking(
  spec: ModelSpec,
  p: ModelParams,
  x: Float32Array,
  impressions: readonly Impression[],
  config: TrainingConfig['ranking'],
  rng: Rng,
  onEpoch?: EpochListener,
): number[] {
  const n = impressions.length;
  baseRates(impressions).forEach((rate, k) => {
    p.rankB2[k] = Math.log(rate / (1 - rate));
  });
  const params = [p.rankW1, p.rankB1, p.rankW2, p.rankB2];
  const grads = params.map((t) => new Float64Array(t.length));
  const g: RankerGrads = { rankW1: grads[0]!, rankB1: grads[1]!, rankW2: grads[2]!, rankB2: grads[3]! };
  const adam = new Adam(params, { lr: config.learningRate });
  const dLogits = new Float64Array(K);
  const scratch = rankerScratch(spec);
  const losses: number[] = [];
  for (let epoch = 0; epoch < config.epochs; epoch++) {
    const order = shuffledIndices(n, rng);
    let lossSum = 0;
    for (let start = 0; start < n; start += config.batchSize) {
      const end = Math.min(n, start + config.batchSize);
      for (const t of grads) {
        t.fill(0);
      }
      for (let i = start; i < end; i++) {
        const idx = order[i]!;
        const off = idx * FEATURE_COUNT;
        const trace = rankerForward(spec, p, x, off, scratch);
        const labels = impressions[idx]!.labels;
        lossSum += bce(trace.logits, labels);
        for (let k = 0; k < K; k++) {
          dLogits[k] = (sigmoid(trace.logits[k]!) - ((labels >> k) & 1)) / (end - start);
        }
        rankerBackward(spec, p, x, off, trace, dLogits, g);
      }
      adam.step(grads);
    }
    const mean = n > 0 ? lossSum / n : Number.NaN;
    losses.push(mean);
    onEpoch?.(epoch, mean);
  }
  return losses;
}
