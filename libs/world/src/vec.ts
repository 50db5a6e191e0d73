import { type Rng } from './rng';

// Module-level bindings: global lookups are slow inside vm contexts such as jest's.
const { sqrt } = Math;

/** Dot product of `dim` floats starting at `aOff` in `a` and `bOff` in `b`. */
export function dot(a: Float32Array, aOff: number, b: Float32Array, bOff: number, dim: number): number {
  let s = 0;
  for (let k = 0; k < dim; k++) {
    s += a[aOff + k]! * b[bOff + k]!;
  }
  return s;
}

/** Scales the `dim` floats at `off` to unit L2 norm (a zero row becomes e_0). */
export function normalizeInPlace(v: Float32Array, off: number, dim: number): void {
  let s = 0;
  for (let k = 0; k < dim; k++) {
    const x = v[off + k]!;
    s += x * x;
  }
  if (s === 0) {
    v[off] = 1;
    return;
  }
  const inv = 1 / sqrt(s);
  for (let k = 0; k < dim; k++) {
    v[off + k] = v[off + k]! * inv;
  }
}

/**
 * Writes normalise(src[srcOff..] + sigma·N(0, I)) into dst[dstOff..]: a unit vector near `src`.
 */
export function jitterInto(
  rng: Rng,
  src: Float32Array,
  srcOff: number,
  dst: Float32Array,
  dstOff: number,
  dim: number,
  sigma: number,
): void {
  for (let k = 0; k < dim; k++) {
    dst[dstOff + k] = src[srcOff + k]! + sigma * rng.normal();
  }
  normalizeInPlace(dst, dstOff, dim);
}
