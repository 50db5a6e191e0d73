import { type AuthorPool } from './authors';
import { type Rng, sampleCdf } from './rng';
import { interestCdfInto } from './users';

// Module-level bindings: global lookups are slow inside vm contexts such as jest's.
const { exp, floor, log, max, min, round } = Math;

/**
 * The directed follow graph over user indices (CSR), with each user's blocks and mutes.
 *
 * World invariant: a user never follows someone they blocked — blocking removes the follow edge —
 * nor someone they muted, nor themselves. Downstream code relies on this to keep in-network posts
 * when the block list cannot be read (an unreadable block list can only ever hide out-of-network
 * authors).
 */
export class FollowGraph {
  constructor(
    /** userCount + 1 offsets into `targets`. */
    readonly offsets: Int32Array,
    /** Followed user indices, grouped by follower, ascending within a group. */
    readonly targets: Int32Array,
    readonly followerCounts: Int32Array,
    readonly blocks: ReadonlyMap<number, Int32Array>,
    readonly mutes: ReadonlyMap<number, Int32Array>,
  ) {}

  followsOf(u: number): Int32Array {
    return this.targets.subarray(this.offsets[u], this.offsets[u + 1]);
  }

  edgeCount(): number {
    return this.targets.length;
  }
}

/** Share of follow draws conditioned on one of the follower's interest topics. */
const TOPIC_DRAW_SHARE = 0.55;
/** Share of draws by global popularity; the rest are uniform over authors (discovery). */
const GLOBAL_DRAW_SHARE = 0.35;
/** Users who follow nobody (cold start). */
const NO_FOLLOW_SHARE = 0.03;
const FOLLOW_SIGMA = 1.0;
const MAX_DRAW_TRIES = 64;

/**
 * Draws distinct authors for one user at a time: a mixture of topic-conditioned popularity,
 * global popularity (Zipf) and uniform picks, skipping the user, excluded ids and repeats.
 */
export class AuthorSampler {
  private readonly stamp: Int32Array;
  private readonly cdf: Float64Array;
  private token = 0;

  constructor(
    private readonly rng: Rng,
    private readonly pool: AuthorPool,
    private readonly interests: Float32Array,
    private readonly topics: number,
    userCount: number,
  ) {
    this.stamp = new Int32Array(userCount);
    this.cdf = new Float64Array(topics);
  }

  /** Starts a fresh draw sequence for user `u`; `u` and `excluded` are never returned. */
  begin(u: number, excluded: Iterable<number> = []): void {
    this.token++;
    this.stamp[u] = this.token;
    for (const e of excluded) {
      this.stamp[e] = this.token;
    }
    interestCdfInto(this.interests, u, this.topics, this.cdf);
  }

  /** Marks `v` as already taken in the current sequence. */
  exclude(v: number): void {
    this.stamp[v] = this.token;
  }

  /** A new distinct author (user index), or -1 when none turned up within a bounded number of tries. */
  draw(): number {
    const { rng, pool } = this;
    const n = pool.byRank.length;
    for (let tries = 0; tries < MAX_DRAW_TRIES; tries++) {
      const m = rng.next();
      let rank: number;
      if (m < TOPIC_DRAW_SHARE) {
        const t = sampleCdf(this.cdf, rng.next());
        const ranks = pool.topicRanks[t]!;
        rank =
          ranks.length > 0
            ? ranks[sampleCdf(pool.topicCdfs[t]!, rng.next())]!
            : sampleCdf(pool.popularityCdf, rng.next());
      } else if (m < TOPIC_DRAW_SHARE + GLOBAL_DRAW_SHARE) {
        rank = sampleCdf(pool.popularityCdf, rng.next());
      } else {
        rank = rng.int(n);
      }
      const v = pool.byRank[rank]!;
      if (this.stamp[v] !== this.token) {
        this.stamp[v] = this.token;
        return v;
      }
    }
    return -1;
  }
}

/** Lognormal-ish follow count with a heavy right tail; ~3% of users follow nobody. */
function followCount(rng: Rng, authorCount: number): number {
  if (rng.next() < NO_FOLLOW_SHARE || authorCount < 2) {
    return 0;
  }
  const median = min(30, max(3, authorCount / 8));
  const cap = min(floor(authorCount / 2), 2000);
  return max(1, min(cap, round(exp(log(median) + FOLLOW_SIGMA * rng.normal()))));
}

/**
 * Samples every user's follow list. `override(u, sampler)` may return an explicit list for a
 * user (the fixture viewer); it is called after `sampler.begin(u)` would have been.
 */
export function sampleFollowLists(
  rng: Rng,
  userCount: number,
  pool: AuthorPool,
  interests: Float32Array,
  topics: number,
  override: (u: number, sampler: AuthorSampler) => number[] | undefined,
): number[][] {
  const sampler = new AuthorSampler(rng, pool, interests, topics, userCount);
  const lists = new Array<number[]>(userCount);
  for (let u = 0; u < userCount; u++) {
    const explicit = override(u, sampler);
    if (explicit) {
      lists[u] = explicit;
      continue;
    }
    const k = followCount(rng, pool.byRank.length);
    const list: number[] = [];
    sampler.begin(u);
    while (list.length < k) {
      const v = sampler.draw();
      if (v < 0) {
        break;
      }
      list.push(v);
    }
    lists[u] = list;
  }
  return lists;
}

const BLOCKER_SHARE = 0.03;
const MUTER_SHARE = 0.04;

/**
 * Picks blocks and mutes: ~3% of users block and ~4% mute 1–3 authors, drawn by popularity and
 * never one they follow. Users in `fixedBlocks`/`fixedMutes` get exactly those lists instead.
 */
export function sampleBlocksAndMutes(
  rng: Rng,
  followLists: readonly number[][],
  pool: AuthorPool,
  fixedBlocks: ReadonlyMap<number, readonly number[]>,
  fixedMutes: ReadonlyMap<number, readonly number[]>,
): { blocks: Map<number, Int32Array>; mutes: Map<number, Int32Array> } {
  const blocks = new Map<number, Int32Array>();
  const mutes = new Map<number, Int32Array>();
  const stamp = new Int32Array(followLists.length);
  let token = 0;
  const pick = (count: number): Int32Array => {
    const out: number[] = [];
    for (let tries = 0; out.length < count && tries < 20 * count; tries++) {
      const v = pool.byRank[sampleCdf(pool.popularityCdf, rng.next())]!;
      if (stamp[v] !== token) {
        stamp[v] = token;
        out.push(v);
      }
    }
    return Int32Array.from(out).sort();
  };
  for (let u = 0; u < followLists.length; u++) {
    const b = rng.next() < BLOCKER_SHARE;
    const m = rng.next() < MUTER_SHARE;
    const nb = 1 + rng.int(3);
    const nm = 1 + rng.int(3);
    const fb = fixedBlocks.get(u);
    const fm = fixedMutes.get(u);
    if (fb || fm) {
      if (fb) {
        blocks.set(u, Int32Array.from(fb).sort());
      }
      if (fm) {
        mutes.set(u, Int32Array.from(fm).sort());
      }
      continue;
    }
    if (!b && !m) {
      continue;
    }
    token++;
    stamp[u] = token;
    for (const v of followLists[u]!) {
      stamp[v] = token;
    }
    if (b) {
      blocks.set(u, pick(nb));
    }
    if (m) {
      mutes.set(u, pick(nm));
    }
  }
  return { blocks, mutes };
}

/**
 * Freezes follow lists into a FollowGraph, enforcing the invariant: an edge u → v is dropped when
 * u blocked or muted v (blocking removes the follow edge) or v === u.
 */
export function buildFollowGraph(
  followLists: readonly number[][],
  blocks: ReadonlyMap<number, Int32Array>,
  mutes: ReadonlyMap<number, Int32Array>,
): FollowGraph {
  const n = followLists.length;
  const offsets = new Int32Array(n + 1);
  let total = 0;
  for (let u = 0; u < n; u++) {
    total += followLists[u]!.length;
  }
  const targets = new Int32Array(total);
  const followerCounts = new Int32Array(n);
  let w = 0;
  for (let u = 0; u < n; u++) {
    const b = blocks.get(u);
    const m = mutes.get(u);
    const start = w;
    for (const v of followLists[u]!) {
      if (v === u || b?.includes(v) || m?.includes(v)) {
        continue;
      }
      targets[w++] = v;
      followerCounts[v] = followerCounts[v]! + 1;
    }
    targets.subarray(start, w).sort();
    offsets[u + 1] = w;
  }
  return new FollowGraph(offsets, targets.slice(0, w), followerCounts, blocks, mutes);
}
