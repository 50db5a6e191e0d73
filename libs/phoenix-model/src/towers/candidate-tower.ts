import { candidateInputDim, type ModelParams, type ModelSpec } from '../model-spec';
import { l2NormalizeInPlace, silu, siluGrad, type Vec } from '../math/vector';
import type { PostCorpus } from './corpus';

/** What one candidate-tower forward pass leaves for the backward pass. */
export interface CandidateTrace {
  readonly row: number;
  /** Hidden pre-activations (H). */
  readonly pre: Float64Array;
  /** Hidden activations (H). */
  readonly act: Float64Array;
  /** The L2-normalised output (E). */
  readonly out: Float64Array;
  /** ‖z‖ before normalisation (0 means the output is the zero vector). */
  readonly zNorm: number;
}

/**
 * Candidate tower: x = [content embedding c (D) ; topic one-hot (T) ; author embedding (A)],
 * v = normalise(W2·SiLU(W1·x + b1) + b2 + S·c) — a 2-layer SiLU MLP plus a linear skip from the
 * content embedding. A post's embedding depends only on its own features.
 */
export function candidateForward(
  spec: ModelSpec,
  p: ModelParams,
  corpus: PostCorpus,
  row: number,
): CandidateTrace {
  const trace = {
    row,
    pre: new Float64Array(spec.towerHidden),
    act: new Float64Array(spec.towerHidden),
    out: new Float64Array(spec.embedDim),
    zNorm: 0,
  };
  return { ...trace, zNorm: forwardInto(spec, p, corpus, row, trace, new Float64Array(spec.contentDim)) };
}

/** The forward pass into caller-owned buffers (no allocation); returns ‖z‖ before normalisation. */
function forwardInto(
  spec: ModelSpec,
  p: ModelParams,
  corpus: PostCorpus,
  row: number,
  into: { readonly pre: Float64Array; readonly act: Float64Array; readonly out: Float64Array },
  c: Float64Array,
): number {
  const d = spec.contentDim;
  const inDim = candidateInputDim(spec);
  const hidden = spec.towerHidden;
  const e = spec.embedDim;
  const a = spec.authorDim;
  const topicCol = d + corpus.topic[row]!;
  const authorStart = d + spec.topics;
  const w1 = p.candW1;
  const b1 = p.candB1;
  const w2 = p.candW2;
  const b2 = p.candB2;
  const skip = p.candSkip;
  const authorEmb = p.authorEmb;
  const aOff = corpus.authorRow[row]! * a;
  const content = corpus.content;
  const cOff = row * d;
  // A local copy of the content row: V8 keeps it hot better than strided typed-array reads.
  for (let k = 0; k < d; k++) {
    c[k] = content[cOff + k]!;
  }
  const { pre, act, out } = into;
  for (let h = 0; h < hidden; h++) {
    const wOff = h * inDim;
    let s = b1[h]! + w1[wOff + topicCol]!;
    for (let k = 0; k < d; k++) {
      s += w1[wOff + k]! * c[k]!;
    }
    const aCol = wOff + authorStart;
    for (let k = 0; k < a; k++) {
      s += w1[aCol + k]! * authorEmb[aOff + k]!;
    }
    pre[h] = s;
    act[h] = silu(s);
  }
  for (let j = 0; j < e; j++) {
    let s = b2[j]!;
    const wOff = j * hidden;
    for (let h = 0; h < hidden; h++) {
      s += w2[wOff + h]! * act[h]!;
    }
    const sOff = j * d;
    for (let k = 0; k < d; k++) {
      s += skip[sOff + k]! * c[k]!;
    }
    out[j] = s;
  }
  return l2NormalizeInPlace(out);
}

/**
 * Embeds posts of the corpus into a size × E matrix of unit vectors (row r = post r): every post, or
 * only `rows` (the other rows stay zero).
 */
export function embedCorpus(
  spec: ModelSpec,
  p: ModelParams,
  corpus: PostCorpus,
  rows?: Iterable<number>,
): Float32Array {
  const e = spec.embedDim;
  const out = new Float32Array(corpus.size * e);
  const scratch = {
    pre: new Float64Array(spec.towerHidden),
    act: new Float64Array(spec.towerHidden),
    out: new Float64Array(e),
  };
  const c = new Float64Array(spec.contentDim);
  const one = (r: number) => {
    forwardInto(spec, p, corpus, r, scratch, c);
    out.set(scratch.out, r * e);
  };
  if (rows) {
    for (const r of rows) {
      one(r);
    }
    return out;
  }
  for (let r = 0; r < corpus.size; r++) {
    one(r);
  }
  return out;
}

/** Gradient tensors of the candidate tower (same shapes as the parameters). */
export interface CandidateGrads {
  readonly candW1: Float64Array;
  readonly candB1: Float64Array;
  readonly candW2: Float64Array;
  readonly candB2: Float64Array;
  readonly candSkip: Float64Array;
  readonly authorEmb: Float64Array;
}

/**
 * Backpropagates `dOut` (∂loss/∂ normalised output, length E) through one forward trace and
 * accumulates parameter gradients into `g`.
 */
export function candidateBackward(
  spec: ModelSpec,
  p: ModelParams,
  corpus: PostCorpus,
  trace: CandidateTrace,
  dOut: Vec,
  g: CandidateGrads,
): void {
  if (trace.zNorm === 0) {
    return;
  }
  const d = spec.contentDim;
  const inDim = candidateInputDim(spec);
  const hidden = spec.towerHidden;
  const e = spec.embedDim;
  const a = spec.authorDim;
  const v = trace.out;
  let vd = 0;
  for (let j = 0; j < e; j++) {
    vd += v[j]! * dOut[j]!;
  }
  const dz = new Float64Array(e);
  for (let j = 0; j < e; j++) {
    dz[j] = (dOut[j]! - v[j]! * vd) / trace.zNorm;
  }
  const row = trace.row;
  const cOff = row * d;
  const dPre = new Float64Array(hidden);
  for (let j = 0; j < e; j++) {
    const wOff = j * hidden;
    const dzj = dz[j]!;
    g.candB2[j] = g.candB2[j]! + dzj;
    const sOff = j * d;
    for (let k = 0; k < d; k++) {
      g.candSkip[sOff + k] = g.candSkip[sOff + k]! + dzj * corpus.content[cOff + k]!;
    }
    for (let h = 0; h < hidden; h++) {
      g.candW2[wOff + h] = g.candW2[wOff + h]! + dzj * trace.act[h]!;
      dPre[h] = dPre[h]! + p.candW2[wOff + h]! * dzj;
    }
  }
  const topicCol = d + corpus.topic[row]!;
  const authorRow = corpus.authorRow[row]!;
  const aOff = authorRow * a;
  for (let h = 0; h < hidden; h++) {
    const ds = dPre[h]! * siluGrad(trace.pre[h]!);
    if (ds === 0) {
      continue;
    }
    const wOff = h * inDim;
    g.candB1[h] = g.candB1[h]! + ds;
    for (let k = 0; k < d; k++) {
      g.candW1[wOff + k] = g.candW1[wOff + k]! + ds * corpus.content[cOff + k]!;
    }
    g.candW1[wOff + topicCol] = g.candW1[wOff + topicCol]! + ds;
    const authorCol = wOff + d + spec.topics;
    for (let k = 0; k < a; k++) {
      g.candW1[authorCol + k] = g.candW1[authorCol + k]! + ds * p.authorEmb[aOff + k]!;
      g.authorEmb[aOff + k] = g.authorEmb[aOff + k]! + ds * p.candW1[authorCol + k]!;
    }
  }
}
