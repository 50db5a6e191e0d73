import { createRng, cumulative, deriveSeed, type Rng, sampleCdf } from './rng';
import { LABELS } from './safety';
import { type Post, type SafetyLabel, type User, type World } from './types';
import { SyntheticWorld } from './world';

// Module-level bindings: global lookups are slow inside vm contexts such as jest's.
const { exp, floor, max, min, round } = Math;

export type Action =
  | 'favorite'
  | 'reply'
  | 'repost'
  | 'click'
  | 'dwell'
  | 'not_interested'
  | 'block_author'
  | 'mute_author'
  | 'report';

/** Every action, positive ones first; `simulateEngagement` draws them in this order. */
export const ACTIONS: readonly Action[] = Object.freeze([
  'favorite',
  'reply',
  'repost',
  'click',
  'dwell',
  'not_interested',
  'block_author',
  'mute_author',
  'report',
] as const);

/** One simulated impression and the viewer's response to it. */
export interface Engagement {
  viewerId: string;
  postId: string;
  atMs: number;
  actions: ReadonlySet<Action>;
  /** Time spent on the post; long (seconds) iff `actions` has 'dwell', a short scroll-past otherwise. */
  dwellMs: number;
}

/** What the ground-truth response model depends on. */
export interface EngagementFeatures {
  /** See `affinity`; roughly in [-0.5, 2]. */
  affinity: number;
  /** Whether the viewer follows the post's author. */
  inNetwork: boolean;
  /** The post's true safety label (known to the simulator even when the lookup fails). */
  label: SafetyLabel;
}

/** logit(p) = bias + slope·affinity + inNetwork·network + risk[label]. */
interface ActionModel {
  bias: number;
  slope: number;
  network: number;
  risk: readonly [number, number, number, number];
}

const NO_RISK = [0, 0, 0, 0] as const;

/**
 * Ground-truth response model. Positive actions rise with affinity and in-network; negative ones
 * fall with affinity and rise with risk. At typical affinities favorite is a few %, report ≪ 1%.
 */
const MODEL: Readonly<Record<Action, ActionModel>> = {
  favorite: { bias: -5.2, slope: 2.6, network: 0.4, risk: NO_RISK },
  reply: { bias: -7.0, slope: 2.6, network: 0.5, risk: NO_RISK },
  repost: { bias: -6.6, slope: 2.6, network: 0.3, risk: NO_RISK },
  click: { bias: -4.3, slope: 2.2, network: 0.2, risk: NO_RISK },
  dwell: { bias: -2.0, slope: 2.4, network: 0.2, risk: NO_RISK },
  not_interested: { bias: -3.6, slope: -1.6, network: -0.4, risk: [0, 0.6, 1.3, 2.4] },
  block_author: { bias: -7.0, slope: -1.2, network: -0.8, risk: [0, 0.6, 1.5, 2.8] },
  mute_author: { bias: -6.0, slope: -1.2, network: -0.5, risk: [0, 0.5, 1.2, 2.0] },
  report: { bias: -8.0, slope: -1.0, network: -0.3, risk: [0, 0.8, 2.0, 4.0] },
};

function sigmoid(x: number): number {
  return 1 / (1 + exp(-x));
}

/** Pure response model: the probability of each action given the features, each in (0, 1). */
export function actionProbabilities(f: EngagementFeatures): Record<Action, number> {
  const risk = max(0, LABELS.indexOf(f.label));
  const out = {} as Record<Action, number>;
  for (const a of ACTIONS) {
    const m = MODEL[a];
    out[a] = sigmoid(m.bias + m.slope * f.affinity + (f.inNetwork ? m.network : 0) + m.risk[risk]!);
  }
  return out;
}

function requireUser(world: World, userId: string): User {
  const u = world.users.get(userId);
  if (!u) {
    throw new RangeError(`unknown user ${userId}`);
  }
  return u;
}

function requirePost(world: World, postId: string): Post {
  const p = world.posts.get(postId);
  if (!p) {
    throw new RangeError(`unknown post ${postId}`);
  }
  return p;
}

function cosine(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) {
    s += a[k]! * b[k]!;
  }
  return s;
}

/**
 * Latent viewer–post affinity: cosine(viewer embedding, post embedding) + viewer's interest in
 * the post's topic. Throws RangeError for unknown ids.
 */
export function affinity(world: World, viewerId: string, postId: string): number {
  const viewer = requireUser(world, viewerId);
  const post = requirePost(world, postId);
  return cosine(viewer.embedding, post.embedding) + (viewer.interests[post.topic] ?? 0);
}

function trueLabel(world: World, postId: string): SafetyLabel {
  if (world instanceof SyntheticWorld) {
    return world.groundTruthLabel(postId) ?? 'safe';
  }
  const lookup = world.safetyLabel(postId);
  return lookup.state === 'present' ? lookup.label : 'safe';
}

/** The features of the (viewer, post) pair; throws RangeError for unknown ids. */
export function engagementFeatures(world: World, viewerId: string, postId: string): EngagementFeatures {
  const post = requirePost(world, postId);
  return {
    affinity: affinity(world, viewerId, postId),
    inNetwork: world.following(viewerId).has(post.authorId),
    label: trueLabel(world, postId),
  };
}

/** Ground-truth probability of each action for this impression. Pure; each value in [0, 1]. */
export function engagementProbabilities(
  world: World,
  viewerId: string,
  postId: string,
): Record<Action, number> {
  return actionProbabilities(engagementFeatures(world, viewerId, postId));
}

const SCROLL_PAST_MIN_MS = 200;
const SCROLL_PAST_SPAN_MS = 1_300;
const DWELL_MEDIAN_MS = 6_000;

/**
 * Draws the viewer's response: each action independently with its `engagementProbabilities`
 * value (so empirical rates match them in expectation), then a dwell time.
 */
export function simulateEngagement(
  world: World,
  viewerId: string,
  postId: string,
  rng: Rng,
  atMs: number,
): Engagement {
  const features = engagementFeatures(world, viewerId, postId);
  const p = actionProbabilities(features);
  const actions = new Set<Action>();
  for (const a of ACTIONS) {
    if (rng.next() < p[a]) {
      actions.add(a);
    }
  }
  const noise = rng.normal();
  const u = rng.next();
  let dwellMs: number;
  if (actions.has('dwell')) {
    dwellMs = DWELL_MEDIAN_MS * (1 + max(0, features.affinity)) * exp(0.7 * noise);
    const video = world.posts.get(postId)?.videoDurationMs;
    if (video !== undefined) {
      dwellMs = min(video, dwellMs * 2);
    }
  } else {
    dwellMs = SCROLL_PAST_MIN_MS + u * SCROLL_PAST_SPAN_MS;
  }
  return { viewerId, postId, atMs, actions, dwellMs: round(dwellMs) };
}

export interface EngagementLogOptions {
  seed: number;
  /**
   * Impressions per viewer, scripted ones included (fewer only when the viewer has too few eligible
   * posts).
   */
  impressionsPerUser: number;
  /** Number of viewers: the first `users` of `world.users` in iteration order (xiaolin first); default all. */
  users?: number;
}

const IN_NETWORK_SHARE = 0.5;
const TOPIC_SHARE = 0.3;

/**
 * A historical impression log from a simple logging policy — first the viewer's scripted impressions
 * (`SyntheticWorld.scriptedImpressions`: xiaolin's niche), then 50% posts of followed authors
 * (skewed to their newest), 30% posts on a topic drawn from the viewer's interests, 20% uniform —
 * never the viewer's own posts, blocked/muted authors' posts or repeats, each impression at a
 * uniform time between the post's creation and `world.nowMs`. Every response is drawn by
 * `simulateEngagement`. Sorted by `atMs` (stable); deterministic for (world, opts), and each viewer's
 * events depend only on the seed and the viewer's position.
 */
export function generateEngagementLog(world: World, opts: EngagementLogOptions): Engagement[] {
  const viewerCount = opts.users ?? world.users.size;
  if (!Number.isInteger(opts.impressionsPerUser) || opts.impressionsPerUser < 0) {
    throw new RangeError(`impressionsPerUser must be a non-negative integer, got ${opts.impressionsPerUser}`);
  }
  if (!Number.isInteger(viewerCount) || viewerCount < 0 || viewerCount > world.users.size) {
    throw new RangeError(`users must be an integer in [0, ${world.users.size}], got ${viewerCount}`);
  }
  const posts = world.postList;
  const topics = world.config.topics;
  const byTopic: number[][] = Array.from({ length: topics }, () => []);
  posts.forEach((p, row) => byTopic[p.topic]?.push(row));

  const log: Engagement[] = [];
  let ordinal = 0;
  for (const viewer of world.users.values()) {
    if (ordinal >= viewerCount) {
      break;
    }
    const rng = createRng(deriveSeed(opts.seed, ordinal++));
    const follows = [...world.following(viewer.id)];
    const blocked = world.blocked(viewer.id);
    const muted = world.muted(viewer.id);
    const interestCdf = cumulative(viewer.interests);
    const seen = new Set<string>();
    const scripted = world instanceof SyntheticWorld ? world.scriptedImpressions(viewer.id) : [];
    let nextScripted = 0;
    const pick = (): Post | undefined => {
      if (nextScripted < scripted.length) {
        return world.posts.get(scripted[nextScripted++]!);
      }
      const m = rng.next();
      if (m < IN_NETWORK_SHARE && follows.length > 0) {
        const authored = world.postsByAuthor(follows[rng.int(follows.length)]!);
        const u = rng.next();
        return authored[floor(u * u * authored.length)];
      }
      if (m < IN_NETWORK_SHARE + TOPIC_SHARE) {
        const bucket = byTopic[sampleCdf(interestCdf, rng.next())];
        return bucket && bucket.length > 0 ? posts[bucket[rng.int(bucket.length)]!] : undefined;
      }
      return posts[rng.int(posts.length)];
    };
    for (let tries = 0; seen.size < opts.impressionsPerUser && tries < 4 * opts.impressionsPerUser; tries++) {
      const post = pick();
      if (
        !post ||
        seen.has(post.id) ||
        post.authorId === viewer.id ||
        blocked.has(post.authorId) ||
        muted.has(post.authorId)
      ) {
        continue;
      }
      seen.add(post.id);
      const atMs = floor(post.createdAtMs + rng.next() * (world.nowMs - post.createdAtMs));
      log.push(simulateEngagement(world, viewer.id, post.id, rng, atMs));
    }
  }
  return log.sort((a, b) => a.atMs - b.atMs);
}
