import { HEADS, type ModelParams, type ModelSpec, RANK_FEATURES } from '../model-spec';
import { sigmoid, silu, siluGrad, type Vec } from '../math/vector';

const F = RANK_FEATURES.length;
const K = HEADS.length;

/** Hidden pre-activations and activations of one ranker forward pass. */
export interface RankerTrace {
  readonly pre: Float64Array;
  readonly act: Float64Array;
  /** One logit per head, in `HEADS` order. */
  readonly logits: Float64Array;
}

/** Allocates a trace to reuse across `rankerForward` calls (training loops avoid garbage this way). */
export function rankerScratch(spec: ModelSpec): RankerTrace {
  return {
    pre: new Float64Array(spec.rankHidden),
    act: new Float64Array(spec.rankHidden),
    logits: new Float64Array(K),
  };
}

/**
 * Ranker: logits = W2 · SiLU(W1·x + b1) + b2, one logistic head per action (a shared hidden layer).
 * `x` is read at `x[off..off+F)`. Pure: the output depends on that feature row only. Writes into
 * `into` when given (and returns it), else into a fresh trace.
 */
export function rankerForward(
  spec: ModelSpec,
  p: ModelParams,
  x: Vec,
  off = 0,
  into: RankerTrace = rankerScratch(spec),
): RankerTrace {
  const r = spec.rankHidden;
  const { pre, act, logits } = into;
  const w1 = p.rankW1;
  const w2 = p.rankW2;
  for (let h = 0; h < r; h++) {
    let s = p.rankB1[h]!;
    const wOff = h * F;
    for (let f = 0; f < F; f++) {
      s += w1[wOff + f]! * x[off + f]!;
    }
    pre[h] = s;
    act[h] = silu(s);
  }
  for (let k = 0; k < K; k++) {
    let s = p.rankB2[k]!;
    const wOff = k * r;
    for (let h = 0; h < r; h++) {
      s += w2[wOff + h]! * act[h]!;
    }
    logits[k] = s;
  }
  return into;
}

/** Per-head probabilities σ(logit) of a feature row, in `HEADS` order. */
export function rankerProbabilities(spec: ModelSpec, p: ModelParams, x: Vec, off = 0): Float64Array {
  const { logits } = rankerForward(spec, p, x, off);
  return logits.map(sigmoid);
}

export interface RankerGrads {
  readonly rankW1: Float64Array;
  readonly rankB1: Float64Array;
  readonly rankW2: Float64Array;
  readonly rankB2: Float64Array;
}

/** Accumulates gradients for ∂loss/∂logits = `dLogits` (for BCE: σ(logit) − label). */
export function rankerBackward(
  spec: ModelSpec,
  p: ModelParams,
  x: Vec,
  off: number,
  trace: RankerTrace,
  dLogits: Float64Array,
  g: RankerGrads,
): void {
  const r = spec.rankHidden;
  const dAct = new Float64Array(r);
  const w2 = p.rankW2;
  for (let k = 0; k < K; k++) {
    const dk = dLogits[k]!;
    g.rankB2[k] = g.rankB2[k]! + dk;
    const wOff = k * r;
    for (let h = 0; h < r; h++) {
      g.rankW2[wOff + h] = g.rankW2[wOff + h]! + dk * trace.act[h]!;
      dAct[h] = dAct[h]! + w2[wOff + h]! * dk;
    }
  }
  for (let h = 0; h < r; h++) {
    const ds = dAct[h]! * siluGrad(trace.pre[h]!);
    g.rankB1[h] = g.rankB1[h]! + ds;
    const wOff = h * F;
    for (let f = 0; f < F; f++) {
      g.rankW1[wOff + f] = g.rankW1[wOff + f]! + ds * x[off + f]!;
    }
  }
}
