/** Size preset of a generated world; see `SCALES` for the exact counts. */
export type Scale = 'small' | 'medium' | 'large';

/** Inputs of `generateWorld`. The same config always yields the same world. */
export interface WorldConfig {
  /** Any finite number; the integer part selects the world (safe integers are fully distinct). */
  seed: number;
  scale: Scale;
  /** Number of latent topics T (default 16, range 3..1024). */
  topics?: number;
  /** Embedding dimension D of users, posts and ads (default 32, range 4..1024). */
  embeddingDim?: number;
}

export type PostKind = 'original' | 'reply' | 'repost' | 'video';

/** Brand-safety label of a post, from least to most risky. */
export type SafetyLabel = 'safe' | 'low_risk' | 'medium_risk' | 'unsafe';

/** Result of asking the (synthetic) safety-label service about one post. */
export type SafetyLookup =
  | { state: 'present'; label: SafetyLabel }
  | { state: 'not_found' }
  | { state: 'dependency_error'; reason: string };

export interface User {
  id: string;
  handle: string;
  /** Latent topic distribution: length T, non-negative, sums to 1. */
  interests: Float32Array;
  /** L2-normalised embedding of length D (a view into a shared buffer). */
  embedding: Float32Array;
  createdAtMs: number;
}

export interface Post {
  id: string;
  authorId: string;
  /** Topic index in [0, T). */
  topic: number;
  kind: PostKind;
  /** L2-normalised embedding of length D: a view into `World.postEmbeddings`. */
  embedding: Float32Array;
  /** Always <= `World.nowMs`. */
  createdAtMs: number;
  text: string;
  /** Set iff kind === 'reply'; the target is an older post of the same world. */
  replyToPostId?: string;
  /** Set iff kind === 'repost'; the target is an older post of the same world. */
  repostOfPostId?: string;
  /** Set iff kind === 'video'. */
  videoDurationMs?: number;
}

export interface Ad {
  id: string;
  advertiserId: string;
  topic: number;
  /** L2-normalised embedding of length D. */
  embedding: Float32Array;
  bidMicros: number;
}

/**
 * A generated, immutable synthetic world. Every accessor is deterministic for the world's config;
 * unknown ids yield empty results (empty set/array, 0, or `not_found`), never throw.
 */
export interface World {
  readonly config: Required<WorldConfig>;
  /** Fixed synthetic "now"; every `createdAtMs` is <= nowMs. */
  readonly nowMs: number;
  /** Identifies the generated data, e.g. `world-small-42-v2`; goes into version vectors. */
  readonly version: string;
  readonly users: ReadonlyMap<string, User>;
  readonly posts: ReadonlyMap<string, Post>;
  /** All posts in a stable order; row i of `postEmbeddings` is `postList[i].embedding`. */
  readonly postList: readonly Post[];
  /** One contiguous buffer of postList.length × D floats. */
  readonly postEmbeddings: Float32Array;
  readonly ads: readonly Ad[];
  /**
   * Author ids the user follows. Invariant: never contains the user itself, nor anyone in
   * `blocked(userId)` or `muted(userId)` (blocking removes the follow edge).
   */
  following(userId: string): ReadonlySet<string>;
  followerCount(userId: string): number;
  /** Authors the user has blocked; disjoint from `following(userId)`. */
  blocked(userId: string): ReadonlySet<string>;
  /** Authors the user has muted; disjoint from `following(userId)`. */
  muted(userId: string): ReadonlySet<string>;
  /** The author's posts, newest first. */
  postsByAuthor(authorId: string): readonly Post[];
  /** Safety-label service lookup: `E` → dependency_error, ~0.5% not_found, otherwise present. */
  safetyLabel(postId: string): SafetyLookup;
  /** Post ids already served to the user before "now", most recent first (xiaolin's include C). */
  servedHistory(userId: string): readonly string[];
  /** Initial candidate-cache contents for the user (xiaolin's include C). */
  cachedCandidates(userId: string): readonly string[];
}
