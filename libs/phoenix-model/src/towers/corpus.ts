import type { PostKind, World } from '@foryou/world';

/** Post kinds as small integers (the ranking model's kind features). */
export const KIND_CODE: Readonly<Record<PostKind, number>> = { original: 0, reply: 1, repost: 2, video: 3 };

/**
 * The retrievable corpus as the model sees it: one row per post in `world.postList` order, with the
 * public post features (content embedding, topic, author, kind, creation time, author popularity).
 * Row r of `content` is the world's content embedding of `ids[r]`.
 */
export interface PostCorpus {
  /** The world version the corpus was built from (the corpus version on the wire). */
  readonly version: string;
  readonly size: number;
  /** Content-embedding dimension D. */
  readonly dim: number;
  readonly topics: number;
  readonly ids: readonly string[];
  readonly rowOf: ReadonlyMap<string, number>;
  readonly content: Float32Array;
  readonly topic: Int32Array;
  readonly authorIds: readonly string[];
  /** Per post: its author's row in the model's author vocabulary (0 = not in the vocabulary). */
  readonly authorRow: Int32Array;
  readonly kind: Uint8Array;
  readonly createdAtMs: Float64Array;
  /** Per post: log(1 + followers of its author) / log(1 + the largest follower count), in [0, 1]. */
  readonly authorPopularity: Float32Array;
}

/** Distinct authors of the world's posts in order of first appearance: a deterministic vocabulary. */
export function authorVocabulary(world: World): string[] {
  const seen = new Set<string>();
  for (const p of world.postList) {
    seen.add(p.authorId);
  }
  return [...seen];
}

/** Builds the corpus; authors missing from `vocabulary` map to row 0 (the shared unknown row). */
export function buildCorpus(world: World, vocabulary: readonly string[]): PostCorpus {
  const vocabRow = new Map<string, number>();
  vocabulary.forEach((id, i) => vocabRow.set(id, i + 1));
  const posts = world.postList;
  const n = posts.length;
  const topic = new Int32Array(n);
  const authorRow = new Int32Array(n);
  const kind = new Uint8Array(n);
  const createdAtMs = new Float64Array(n);
  const popularity = new Float32Array(n);
  const rowOf = new Map<string, number>();
  const followers = new Map<string, number>();
  let maxFollowers = 0;
  for (const p of posts) {
    if (!followers.has(p.authorId)) {
      const f = world.followerCount(p.authorId);
      followers.set(p.authorId, f);
      maxFollowers = Math.max(maxFollowers, f);
    }
  }
  const denominator = Math.log1p(maxFollowers) || 1;
  posts.forEach((p, r) => {
    rowOf.set(p.id, r);
    topic[r] = p.topic;
    authorRow[r] = vocabRow.get(p.authorId) ?? 0;
    kind[r] = KIND_CODE[p.kind];
    createdAtMs[r] = p.createdAtMs;
    popularity[r] = Math.log1p(followers.get(p.authorId) ?? 0) / denominator;
  });
  return {
    version: world.version,
    size: n,
    dim: world.config.embeddingDim,
    topics: world.config.topics,
    ids: posts.map((p) => p.id),
    rowOf,
    content: world.postEmbeddings,
    topic,
    authorIds: posts.map((p) => p.authorId),
    authorRow,
    kind,
    createdAtMs,
    authorPopularity: popularity,
  };
}
