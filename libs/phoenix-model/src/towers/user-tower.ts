import type { ModelParams, ModelSpec } from '../model-spec';
import { l2NormalizeInPlace } from '../math/vector';
import type { UsableAction } from './user-sequence';

/**
 * The user tower's input: the action-weighted mean of the candidate-tower embeddings (`corpusEmb`,
 * size × E) of the history's posts. Null when the history is empty (no direction to pool).
 */
export function poolHistory(
  embedDim: number,
  corpusEmb: Float32Array,
  history: readonly UsableAction[],
): Float64Array | null {
  let total = 0;
  const m = new Float64Array(embedDim);
  for (const { row, weight } of history) {
    const off = row * embedDim;
    for (let j = 0; j < embedDim; j++) {
      m[j] = m[j]! + weight * corpusEmb[off + j]!;
    }
    total += weight;
  }
  if (!(total > 0)) {
    return null;
  }
  for (let j = 0; j < embedDim; j++) {
    m[j] = m[j]! / total;
  }
  return m;
}

/** A user vector with what the backward pass needs. */
export interface UserTrace {
  readonly pooled: Float64Array;
  /** The L2-normalised user vector (E). */
  readonly out: Float64Array;
  readonly zNorm: number;
}

/**
 * User tower: u = normalise(W_u · pooled). Null — "no personalisation" — when the pooled history is
 * null or W_u·pooled is the zero vector (it cannot be normalised; a NaN is never produced).
 */
export function userForward(spec: ModelSpec, p: ModelParams, pooled: Float64Array | null): UserTrace | null {
  if (!pooled) {
    return null;
  }
  const e = spec.embedDim;
  const out = new Float64Array(e);
  for (let i = 0; i < e; i++) {
    let s = 0;
    for (let j = 0; j < e; j++) {
      s += p.userW[i * e + j]! * pooled[j]!;
    }
    out[i] = s;
  }
  const zNorm = l2NormalizeInPlace(out);
  return zNorm > 1e-12 ? { pooled, out, zNorm } : null;
}

/** Accumulates ∂loss/∂W_u for ∂loss/∂u = `dOut` into `gUserW` (the pooled input is not trained through). */
export function userBackward(
  spec: ModelSpec,
  trace: UserTrace,
  dOut: Float64Array,
  gUserW: Float64Array,
): void {
  const e = spec.embedDim;
  const u = trace.out;
  let ud = 0;
  for (let i = 0; i < e; i++) {
    ud += u[i]! * dOut[i]!;
  }
  for (let i = 0; i < e; i++) {
    const dz = (dOut[i]! - u[i]! * ud) / trace.zNorm;
    for (let j = 0; j < e; j++) {
      gUserW[i * e + j] = gUserW[i * e + j]! + dz * trace.pooled[j]!;
    }
  }
}
