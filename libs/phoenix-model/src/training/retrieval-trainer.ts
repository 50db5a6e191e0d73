import type { Rng } from '@foryou/world';
import { Adam } from '../math/adam';
import type { ModelParams, ModelSpec } from '../model-spec';
import {
  type CandidateGrads,
  type CandidateTrace,
  candidateBackward,
  candidateForward,
  embedCorpus,
} from '../towers/candidate-tower';
import type { PostCorpus } from '../towers/corpus';
import { poolHistory, type UserTrace, userBackward, userForward } from '../towers/user-tower';
import type { TrainingConfig } from './config';
import type { RetrievalPair } from './examples';
import { shuffledIndices } from './shuffle';

/** Reports the mean loss of each finished epoch. */
export type EpochListener = (epoch: number, meanLoss: number) => void;

/**
 * Trains both towers in place with a sampled softmax: for each (user, engaged post) pair in a batch,
 * the positive is its post and the negatives are the other pairs' posts plus `randomNegatives`
 * uniform corpus posts (a negative equal to the positive is masked). Each epoch visits a fresh random
 * sample of at most `pairsPerEpoch` pairs. The user tower pools the candidate embeddings of its
 * history as computed at the start of the epoch (stop-gradient).
 * Returns the mean loss per epoch.
 */
export function trainRetrieval(
  spec: ModelSpec,
  p: ModelParams,
  corpus: PostCorpus,
  pairs: readonly RetrievalPair[],
  config: TrainingConfig['retrieval'],
  rng: Rng,
  onEpoch?: EpochListener,
): number[] {
  const e = spec.embedDim;
  const params = [p.candW1, p.candB1, p.candW2, p.candB2, p.candSkip, p.authorEmb, p.userW];
  const grads = params.map((t) => new Float64Array(t.length));
  const g: CandidateGrads = {
    candW1: grads[0]!,
    candB1: grads[1]!,
    candW2: grads[2]!,
    candB2: grads[3]!,
    candSkip: grads[4]!,
    authorEmb: grads[5]!,
  };
  const gUserW = grads[6]!;
  const adam = new Adam(params, { lr: config.learningRate });
  const invTau = 1 / config.temperature;
  // logQ correction: a candidate's logit minus log(its expected count among a step's candidates), so
  // the popular posts that dominate in-batch negatives are not pushed away just for being sampled often.
  const positiveCount = new Float64Array(corpus.size);
  for (const pair of pairs) {
    positiveCount[pair.row] = positiveCount[pair.row]! + 1;
  }
  const logQ = (row: number): number =>
    config.logQCorrection
      ? Math.log(
          (config.batchSize * positiveCount[row]!) / Math.max(1, pairs.length) +
            config.randomNegatives / corpus.size,
        )
      : 0;
  const maxCandidates = config.batchSize + config.randomNegatives;
  const dUser = new Float64Array(config.batchSize * e);
  const dCand = new Float64Array(maxCandidates * e);
  const losses: number[] = [];
  const historyRows = new Set<number>();
  for (const pair of pairs) {
    for (const h of pair.history) {
      historyRows.add(h.row);
    }
  }
  for (let epoch = 0; epoch < config.epochs; epoch++) {
    const corpusEmb = embedCorpus(spec, p, corpus, historyRows);
    const order = shuffledIndices(pairs.length, rng).subarray(
      0,
      Math.min(pairs.length, config.pairsPerEpoch),
    );
    let lossSum = 0;
    let count = 0;
    for (let start = 0; start < order.length; start += config.batchSize) {
      const users: UserTrace[] = [];
      const positives: number[] = [];
      for (let i = start; i < Math.min(order.length, start + config.batchSize); i++) {
        const pair = pairs[order[i]!]!;
        const user = userForward(spec, p, poolHistory(e, corpusEmb, pair.history));
        if (user) {
          users.push(user);
          positives.push(pair.row);
        }
      }
      if (users.length === 0) {
        continue;
      }
      const rows = [...positives];
      for (let k = 0; k < config.randomNegatives; k++) {
        rows.push(rng.int(corpus.size));
      }
      const candidates: CandidateTrace[] = rows.map((row) => candidateForward(spec, p, corpus, row));
      const offsets = Float64Array.from(rows, logQ);
      lossSum += softmaxStep(users, positives, candidates, rows, offsets, e, invTau, dUser, dCand);
      count += users.length;
      for (const t of grads) {
        t.fill(0);
      }
      for (let i = 0; i < users.length; i++) {
        userBackward(spec, users[i]!, dUser.subarray(i * e, (i + 1) * e), gUserW);
      }
      for (let j = 0; j < candidates.length; j++) {
        candidateBackward(spec, p, corpus, candidates[j]!, dCand.subarray(j * e, (j + 1) * e), g);
      }
      adam.step(grads);
    }
    const mean = count > 0 ? lossSum / count : Number.NaN;
    losses.push(mean);
    onEpoch?.(epoch, mean);
  }
  return losses;
}

/**
 * Sampled softmax over one batch: logits s_ij = u_i·v_j/τ − offset_j (a column holding the same post
 * as row i's positive is masked), loss_i = −log softmax(s_i)_i. Writes ∂(mean loss)/∂u_i and ∂/∂v_j into
 * `dUser` / `dCand` (row-major, E wide) and returns the summed loss.
 */
function softmaxStep(
  users: readonly UserTrace[],
  positives: readonly number[],
  candidates: readonly CandidateTrace[],
  rows: readonly number[],
  offsets: Float64Array,
  e: number,
  invTau: number,
  dUser: Float64Array,
  dCand: Float64Array,
): number {
  const b = users.length;
  const c = candidates.length;
  const v = new Float64Array(c * e);
  candidates.forEach((t, j) => v.set(t.out, j * e));
  dUser.fill(0, 0, b * e);
  dCand.fill(0, 0, c * e);
  const prob = new Float64Array(c);
  let loss = 0;
  for (let i = 0; i < b; i++) {
    const u = users[i]!.out;
    let max = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < c; j++) {
      if (j !== i && rows[j] === positives[i]) {
        prob[j] = Number.NEGATIVE_INFINITY; // the same post as the positive: not a negative
        continue;
      }
      let s = 0;
      const off = j * e;
      for (let k = 0; k < e; k++) {
        s += u[k]! * v[off + k]!;
      }
      s = s * invTau - offsets[j]!;
      prob[j] = s;
      if (s > max) {
        max = s;
      }
    }
    let z = 0;
    for (let j = 0; j < c; j++) {
      const x = Math.exp(prob[j]! - max);
      prob[j] = x;
      z += x;
    }
    loss -= Math.log(prob[i]! / z);
    const uOff = i * e;
    for (let j = 0; j < c; j++) {
      const coef = ((prob[j]! / z - (j === i ? 1 : 0)) * invTau) / b;
      if (coef === 0) {
        continue;
      }
      const off = j * e;
      for (let k = 0; k < e; k++) {
        dUser[uOff + k] = dUser[uOff + k]! + coef * v[off + k]!;
        dCand[off + k] = dCand[off + k]! + coef * u[k]!;
      }
    }
  }
  return loss;
}
