/**
 * GrowthBook-compatible hashing (`packages/sdk-js/src/util.ts` in growthbook/growthbook, MIT).
 *
 * - FNV-1a 32-bit over the string's UTF-16 CODE UNITS (`charCodeAt`), not its UTF-8 bytes, exactly as
 *   the GrowthBook JS SDK; so "é" hashes one unit (0xE9) and an emoji two surrogate units.
 * - v2 (the default, unbiased): `fnv(String(fnv(seed + value))) % 10000 / 10000`.
 * - v1 (biased, kept only so the public test vectors can be reproduced): `fnv(value + seed) % 1000 / 1000`.
 *
 * Everything here is a pure function of its arguments: no process state, no randomness, no locale.
 */

/** Number of buckets of the v2 hash; every layer, holdout and variant range lives in [0, BUCKETS). */
export const BUCKETS = 10_000;

/** The hash versions `growthbookHash` understands. Assignment only ever uses v2. */
export type HashVersion = 1 | 2;

/** The hash version every assignment uses (recorded as `hash_version` in assignment records). */
export const ASSIGNMENT_HASH_VERSION = 2 as const;

const FNV_OFFSET_BASIS = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
// Bound once: a global lookup per character is slow inside a `vm` context (jest runs specs in one).
const imul = Math.imul;

/**
 * FNV-1a 32-bit over UTF-16 code units. `Math.imul` by the FNV prime is the same multiplication modulo
 * 2³² as GrowthBook's shift-and-add form `h + (h<<1) + (h<<4) + (h<<7) + (h<<8) + (h<<24)`.
 */
export function fnv1a32(input: string): number {
  let h = FNV_OFFSET_BASIS;
  for (let i = 0; i < input.length; i++) {
    h = imul(h ^ input.charCodeAt(i), FNV_PRIME);
  }
  return h >>> 0;
}

/**
 * The integer v2 bucket in [0, 10000): `fnv(String(fnv(seed + value))) % 10000`. `growthbookHash(seed,
 * value, 2)` is exactly `bucketV2(seed, value) / 10000`, so integer ranges and GrowthBook's float ranges
 * agree without rounding.
 */
export function bucketV2(seed: string, value: string): number {
  return fnv1a32(String(fnv1a32(seed + value))) % BUCKETS;
}

/**
 * GrowthBook's `hash(seed, value, version)`: a number in [0, 1), or null for an unknown version (the SDK
 * then skips the experiment).
 */
export function growthbookHash(seed: string, value: string, version: number): number | null {
  if (version === 2) {
    return bucketV2(seed, value) / BUCKETS;
  }
  if (version === 1) {
    return (fnv1a32(value + seed) % 1000) / 1000;
  }
  return null;
}

/**
 * GrowthBook's `inNamespace`: hash("__" + namespace, id, v1) in [start, end). Reproduced only for its
 * public test vectors; layers here use v2 buckets (see `layerSeed`).
 */
export function growthbookInNamespace(unitId: string, namespace: readonly [string, number, number]): boolean {
  const n = growthbookHash(`__${namespace[0]}`, unitId, 1);
  return n !== null && n >= namespace[1] && n < namespace[2];
}

/** Seed of a layer's bucket hash. Experiment seeds may not start with `__`, so the families never meet. */
export function layerSeed(layerKey: string): string {
  return `__layer:${layerKey}`;
}

/** Seed of the global holdout hash. */
export const GLOBAL_HOLDOUT_SEED = '__holdout:global';

/** Seed of a per-layer holdout hash. */
export function layerHoldoutSeed(layerKey: string): string {
  return `__holdout:layer:${layerKey}`;
}

/** A half-open bucket range [start, end). */
export type BucketRange = readonly [start: number, end: number];

export function inBucketRange(bucket: number, range: BucketRange): boolean {
  return bucket >= range[0] && bucket < range[1];
}

/** Basis points (integer buckets out of 10000) of a percentage with at most two decimals. */
export function percentToBuckets(percent: number): number {
  return Math.round(percent * 100);
}

/**
 * Variant ranges in integer buckets, GrowthBook's `getBucketRanges` on the [0, 10000) scale: variant i
 * owns [start_i, start_i + coverage·width_i), where start_i = round(10000·Σ_{j<i} w_j) and width_i is the
 * distance to the next start (the last ends at 10000). `coveragePercent` is the ramp (0–100). Raising the
 * coverage only ever ADDS buckets to each variant, so a ramp-up never moves an assigned unit.
 *
 * Unlike GrowthBook, invalid weights are the caller's error (the schema rejects them) instead of silently
 * falling back to equal weights.
 */
export function variantRanges(weights: readonly number[], coveragePercent = 100): BucketRange[] {
  const total = weights.reduce((a, w) => a + w, 0);
  if (weights.length === 0 || !(total > 0) || weights.some((w) => !(w >= 0) || !Number.isFinite(w))) {
    throw new RangeError('variantRanges: weights must be finite, ≥ 0 and sum to > 0');
  }
  if (!(coveragePercent >= 0 && coveragePercent <= 100)) {
    throw new RangeError(`variantRanges: coverage must be within [0, 100] (got ${coveragePercent})`);
  }
  const starts: number[] = [];
  let cumulative = 0;
  for (const w of weights) {
    starts.push(Math.round((BUCKETS * cumulative) / total));
    cumulative += w;
  }
  return starts.map((start, i) => {
    const end = i + 1 < starts.length ? starts[i + 1]! : BUCKETS;
    return [start, start + Math.round(((end - start) * coveragePercent) / 100)] as const;
  });
}

/** Index of the range containing `bucket`, or -1 (GrowthBook's `chooseVariation`). */
export function chooseRange(bucket: number, ranges: readonly BucketRange[]): number {
  for (let i = 0; i < ranges.length; i++) {
    if (inBucketRange(bucket, ranges[i]!)) {
      return i;
    }
  }
  return -1;
}
