// Module-level bindings: global lookups are slow inside vm contexts such as jest's.
const { exp, sqrt } = Math;

/** A dense vector or row-major matrix of 32- or 64-bit floats. */
export type Vec = Float32Array | Float64Array;

/** Dot product of `a[aOff..aOff+n)` and `b[bOff..bOff+n)`. */
export function dot(a: Vec, aOff: number, b: Vec, bOff: number, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) {
    s += a[aOff + i]! * b[bOff + i]!;
  }
  return s;
}

/** Euclidean norm of `v[off..off+n)`. */
export function norm(v: Vec, off: number, n: number): number {
  return sqrt(dot(v, off, v, off, n));
}

/**
 * Scales `v[off..off+n)` to unit L2 norm in place and returns the original norm. A vector with no
 * direction (norm 0, or not finite) is left untouched and 0 is returned: the caller must treat it as
 * "no vector", never divide by it.
 */
export function l2NormalizeInPlace(v: Vec, off = 0, n = v.length - off): number {
  const len = norm(v, off, n);
  if (!(len > 0) || !Number.isFinite(len)) {
    return 0;
  }
  for (let i = 0; i < n; i++) {
    v[off + i] = v[off + i]! / len;
  }
  return len;
}

/** The logistic function. */
export function sigmoid(x: number): number {
  return 1 / (1 + exp(-x));
}

/** SiLU (swish): x·σ(x). */
export function silu(x: number): number {
  return x / (1 + exp(-x));
}

/** d/dx SiLU(x) = σ(x)·(1 + x·(1 − σ(x))). */
export function siluGrad(x: number): number {
  const s = 1 / (1 + exp(-x));
  return s * (1 + x * (1 - s));
}

/** log(σ(x)) computed without overflow. */
export function logSigmoid(x: number): number {
  return x >= 0 ? -Math.log1p(exp(-x)) : x - Math.log1p(exp(x));
}
