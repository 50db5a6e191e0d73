import { type Rng, sampleGamma } from './rng';
import { DAY_MS } from './scales';
import { type User } from './types';
import { normalizeInPlace } from './vec';

// Module-level bindings: global lookups are slow inside vm contexts such as jest's.
const { round } = Math;

/** A user whose id, handle and interests are fixed up front (the A–F fixture). */
export interface FixedUser {
  id: string;
  handle: string;
  interests: Float32Array;
}

/** All users plus their latent vectors in two shared row-major buffers. */
export interface UserTable {
  users: User[];
  index: Map<string, number>;
  /** count × T topic distributions. */
  interests: Float32Array;
  /** count × D unit embeddings. */
  embeddings: Float32Array;
}

/** Dirichlet concentration per topic: small → sparse interests (typically 1–3 dominant topics). */
const INTEREST_ALPHA = 0.2;
/** Per-dimension noise added to the interest-weighted centroid mix. */
const USER_EMBEDDING_SIGMA = 0.08;
/** Share of users created within the last week (cold-start accounts). */
const NEW_USER_SHARE = 0.02;

const NAMES: readonly string[] = [
  'ada',
  'bo',
  'chen',
  'dara',
  'eli',
  'fatima',
  'gus',
  'hana',
  'ivan',
  'jun',
  'kira',
  'lea',
  'mika',
  'nia',
  'omar',
  'priya',
  'quinn',
  'ravi',
  'sofia',
  'tomas',
  'uma',
  'vik',
  'wen',
  'yara',
  'zoe',
];

/** Generic user ids are `u<k>` for k = 0, 1, … after the fixed users. */
export function genericUserId(k: number): string {
  return `u${k}`;
}

/**
 * Users 0..fixed.length-1 are `fixed` (in order); the rest are generic with Dirichlet interests.
 * Embedding = normalise(Σ_t interest_t · centroid_t + noise).
 */
export function generateUsers(
  rng: Rng,
  count: number,
  fixed: readonly FixedUser[],
  centroids: Float32Array,
  topics: number,
  dim: number,
  nowMs: number,
): UserTable {
  const interests = new Float32Array(count * topics);
  const embeddings = new Float32Array(count * dim);
  const users: User[] = new Array<User>(count);
  const index = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const iOff = i * topics;
    const f = fixed[i];
    if (f) {
      interests.set(f.interests, iOff);
    } else {
      let sum = 0;
      for (let t = 0; t < topics; t++) {
        const g = sampleGamma(rng, INTEREST_ALPHA);
        interests[iOff + t] = g;
        sum += g;
      }
      for (let t = 0; t < topics; t++) {
        interests[iOff + t] = sum > 0 ? interests[iOff + t]! / sum : 1 / topics;
      }
    }
    const eOff = i * dim;
    for (let t = 0; t < topics; t++) {
      const w = interests[iOff + t]!;
      if (w < 1e-4) {
        continue;
      }
      for (let k = 0; k < dim; k++) {
        embeddings[eOff + k] = embeddings[eOff + k]! + w * centroids[t * dim + k]!;
      }
    }
    for (let k = 0; k < dim; k++) {
      embeddings[eOff + k] = embeddings[eOff + k]! + USER_EMBEDDING_SIGMA * rng.normal();
    }
    normalizeInPlace(embeddings, eOff, dim);
    const id = f ? f.id : genericUserId(i - fixed.length);
    const handle = f ? f.handle : `${NAMES[rng.int(NAMES.length)]}_${i - fixed.length}`;
    const ageMs = f
      ? 700 * DAY_MS
      : rng.next() < NEW_USER_SHARE
        ? rng.next() * 7 * DAY_MS
        : (30 + rng.next() * 1800) * DAY_MS;
    users[i] = {
      id,
      handle,
      interests: interests.subarray(iOff, iOff + topics),
      embedding: embeddings.subarray(eOff, eOff + dim),
      createdAtMs: round(nowMs - ageMs),
    };
    index.set(id, i);
  }
  return { users, index, interests, embeddings };
}

/** Inclusive CDF over topics of user `i`'s interests, written into `out` (length T). */
export function interestCdfInto(interests: Float32Array, i: number, topics: number, out: Float64Array): void {
  let acc = 0;
  for (let t = 0; t < topics; t++) {
    acc += interests[i * topics + t]!;
    out[t] = acc;
  }
}

/** Index of user `i`'s largest interest. */
export function primaryTopic(interests: Float32Array, i: number, topics: number): number {
  let best = 0;
  let bestW = -1;
  for (let t = 0; t < topics; t++) {
    const w = interests[i * topics + t]!;
    if (w > bestW) {
      bestW = w;
      best = t;
    }
  }
  return best;
}
