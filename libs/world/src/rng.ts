/** A seeded pseudo-random number generator. Not cryptographically secure. */
export interface Rng {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [0, maxExclusive); throws RangeError unless maxExclusive >= 1. */
  int(maxExclusive: number): number;
  /** Standard normal variate (mean 0, variance 1). */
  normal(): number;
}

// Module-level bindings: global lookups are slow inside vm contexts such as jest's.
const { cos, floor, imul, log, PI, pow, sin, sqrt, trunc } = Math;

const TWO_POW_32 = 4294967296;

/** murmur3 32-bit finaliser: a bijective avalanche mix of a 32-bit integer. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Folds a finite number's integer part (both 32-bit halves) into one 32-bit value. */
function fold(n: number): number {
  if (!Number.isFinite(n)) {
    throw new RangeError(`seed must be a finite number, got ${n}`);
  }
  const t = trunc(n);
  const lo = t >>> 0;
  const hi = floor(t / TWO_POW_32) >>> 0;
  return fmix32(lo ^ fmix32(hi + 0x9e3779b9));
}

/**
 * Derives an independent 32-bit seed from a base seed and a path of stream/ordinal numbers, so
 * that separate generation phases (and separate users) draw from unrelated streams.
 */
export function deriveSeed(seed: number, ...path: readonly number[]): number {
  let h = fold(seed);
  for (const p of path) {
    h = fmix32((imul(h, 0x9e3779b1) + fold(p)) | 0);
  }
  return h;
}

/** sfc32 (Chris Doty-Humphrey's Small Fast Counting PRNG), seeded through splitmix32. */
class Sfc32 implements Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spare = 0;
  private hasSpare = false;

  constructor(seed: number) {
    let s = seed | 0;
    const splitmix = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let t = s ^ (s >>> 16);
      t = imul(t, 0x21f0aaad);
      t ^= t >>> 15;
      t = imul(t, 0x735a2d97);
      return (t ^ (t >>> 15)) | 0;
    };
    this.a = splitmix();
    this.b = splitmix();
    this.c = splitmix();
    this.d = splitmix();
    for (let i = 0; i < 12; i++) {
      this.next();
    }
  }

  next(): number {
    const a = this.a;
    const b = this.b;
    const c = this.c;
    const t = (((a + b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = b ^ (b >>> 9);
    this.b = (c + (c << 3)) | 0;
    this.c = (((c << 21) | (c >>> 11)) + t) | 0;
    return (t >>> 0) / TWO_POW_32;
  }

  int(maxExclusive: number): number {
    if (!(maxExclusive >= 1)) {
      throw new RangeError(`int(maxExclusive) needs maxExclusive >= 1, got ${maxExclusive}`);
    }
    return floor(this.next() * floor(maxExclusive));
  }

  /** Box–Muller; the second variate of each pair is cached. */
  normal(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    let u = this.next();
    while (u === 0) {
      u = this.next();
    }
    const r = sqrt(-2 * log(u));
    const theta = 2 * PI * this.next();
    this.spare = r * sin(theta);
    this.hasSpare = true;
    return r * cos(theta);
  }
}

/** Creates a fast seeded PRNG; equal seeds (same integer part) give equal sequences. */
export function createRng(seed: number): Rng {
  return new Sfc32(deriveSeed(seed));
}

/** Gamma(shape, 1) variate (Marsaglia–Tsang; boosted for shape < 1). */
export function sampleGamma(rng: Rng, shape: number): number {
  if (shape < 1) {
    return sampleGamma(rng, shape + 1) * pow(rng.next(), 1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = rng.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.next();
    if (u < 1 - 0.0331 * x * x * x * x || log(u) < 0.5 * x * x + d * (1 - v + log(v))) {
      return d * v;
    }
  }
}

/**
 * Index i such that cdf[i-1] <= u·total < cdf[i], for an inclusive cumulative weight array
 * (non-decreasing, last element = total > 0).
 */
export function sampleCdf(cdf: Float64Array, u: number): number {
  const target = u * cdf[cdf.length - 1]!;
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cdf[mid]! > target) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  return lo;
}

/** Inclusive cumulative sums of `weights`. */
export function cumulative(weights: ArrayLike<number>): Float64Array {
  const cdf = new Float64Array(weights.length);
  let acc = 0;
  for (let i = 0; i < weights.length; i++) {
    acc += weights[i]!;
    cdf[i] = acc;
  }
  return cdf;
}

/** Fisher–Yates shuffle in place. */
export function shuffleInPlace(rng: Rng, arr: Int32Array): void {
  for (let i = arr.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const tmp = arr[i]!;
    arr[i] = arr[j]!;
    arr[j] = tmp;
  }
}
