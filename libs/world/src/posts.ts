import { type AuthorPool } from './authors';
import { type Rng, sampleCdf } from './rng';
import { HOUR_MS, MAX_POST_AGE_MS } from './scales';
import { topicName } from './topics';
import { type Post, type PostKind, type User } from './types';
import { interestCdfInto } from './users';
import { jitterInto } from './vec';

// Module-level bindings: global lookups are slow inside vm contexts such as jest's.
const { exp, floor, log, max, min, round } = Math;

/** Numeric kind codes used in `PostColumns.kind`. */
export const KINDS: readonly PostKind[] = ['original', 'reply', 'repost', 'video'];
export const KIND_ORIGINAL = 0;
const KIND_REPLY = 1;
const KIND_REPOST = 2;
const KIND_VIDEO = 3;

/** Column-oriented post table; one row per post, in `postList` order. */
export interface PostColumns {
  readonly count: number;
  /** Author's user index. */
  readonly author: Int32Array;
  readonly topic: Uint16Array;
  readonly createdAt: Float64Array;
  /** Index into KINDS. */
  readonly kind: Uint8Array;
  /** Row of the reply/repost target, or -1. */
  readonly ref: Int32Array;
  /** Video duration, 0 unless kind is video. */
  readonly videoMs: Int32Array;
  /** count × D unit embeddings: the world's `postEmbeddings`. */
  readonly embeddings: Float32Array;
}

/** Mean age of the exponential post-age distribution: ~80% of posts are < 48 h old. */
const AGE_SCALE_MS = 30 * HOUR_MS;
const REPLY_SHARE = 0.12;
const REPOST_SHARE = 0.08;
const VIDEO_SHARE = 0.06;
/** Per-dimension noise around the topic centroid. */
export const POST_EMBEDDING_SIGMA = 0.15;
const REPOST_EMBEDDING_SIGMA = 0.03;
/** Replies and reposts target one of this many preceding (older) posts, skewed to the newest. */
const REF_WINDOW = 20_000;

export function allocatePostColumns(count: number, dim: number): PostColumns {
  return {
    count,
    author: new Int32Array(count),
    topic: new Uint16Array(count),
    createdAt: new Float64Array(count),
    kind: new Uint8Array(count),
    ref: new Int32Array(count).fill(-1),
    videoMs: new Int32Array(count),
    embeddings: new Float32Array(count * dim),
  };
}

/**
 * Fills rows [0, n) with generic posts in ascending creation time. Authors are drawn by activity
 * (gentle Zipf over popularity rank), topics from the author's interests, embeddings around the
 * topic centroid; replies/reposts point at older rows.
 */
export function generateGenericPosts(
  rng: Rng,
  cols: PostColumns,
  n: number,
  pool: AuthorPool,
  interests: Float32Array,
  centroids: Float32Array,
  topics: number,
  dim: number,
  nowMs: number,
): void {
  const ages = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let age = -log(1 - rng.next()) * AGE_SCALE_MS;
    if (age > MAX_POST_AGE_MS) {
      age = rng.next() * MAX_POST_AGE_MS;
    }
    ages[i] = round(age);
  }
  ages.sort();
  const cdf = new Float64Array(topics);
  const { author, topic, createdAt, kind, ref, videoMs, embeddings } = cols;
  for (let i = 0; i < n; i++) {
    createdAt[i] = nowMs - ages[n - 1 - i]!;
    const a = pool.byRank[sampleCdf(pool.activityCdf, rng.next())]!;
    author[i] = a;
    const k = rng.next();
    let code =
      k < REPLY_SHARE
        ? KIND_REPLY
        : k < REPLY_SHARE + REPOST_SHARE
          ? KIND_REPOST
          : k < REPLY_SHARE + REPOST_SHARE + VIDEO_SHARE
            ? KIND_VIDEO
            : KIND_ORIGINAL;
    if ((code === KIND_REPLY || code === KIND_REPOST) && i === 0) {
      code = KIND_ORIGINAL;
    }
    kind[i] = code;
    if (code === KIND_REPLY || code === KIND_REPOST) {
      const u = rng.next();
      const target = i - 1 - floor(u * u * min(i, REF_WINDOW));
      ref[i] = target;
      if (code === KIND_REPOST) {
        topic[i] = topic[target]!;
        jitterInto(rng, embeddings, target * dim, embeddings, i * dim, dim, REPOST_EMBEDDING_SIGMA);
        continue;
      }
      if (rng.next() < 0.8) {
        topic[i] = topic[target]!;
        jitterInto(rng, centroids, topic[i]! * dim, embeddings, i * dim, dim, POST_EMBEDDING_SIGMA);
        continue;
      }
    }
    interestCdfInto(interests, a, topics, cdf);
    const t = sampleCdf(cdf, rng.next());
    topic[i] = t;
    jitterInto(rng, centroids, t * dim, embeddings, i * dim, dim, POST_EMBEDDING_SIGMA);
    if (code === KIND_VIDEO) {
      const ms = exp(log(30_000) + 0.9 * rng.normal());
      videoMs[i] = round(min(600_000, max(3_000, ms)));
    }
  }
}

const OPENERS: readonly string[] = [
  'hot take on',
  'a thread about',
  'what nobody tells you about',
  'my weekend with',
  'quick tip for',
  'unpopular opinion:',
  'big news in',
  'five things I learned about',
  'still thinking about',
  'a love letter to',
  'beginner questions on',
  'the state of',
];
const REPLIES: readonly string[] = ['totally agree', 'not so sure', 'great point', 'source?', 'this!', 'lol'];

/**
 * Builds the Post objects for every row. Rows with an entry in `fixedText` use that text; ids come
 * from `postId(row)`.
 */
export function materializePosts(
  rng: Rng,
  cols: PostColumns,
  dim: number,
  users: readonly User[],
  postId: (row: number) => string,
  fixedText: ReadonlyMap<number, string>,
): Post[] {
  const out = new Array<Post>(cols.count);
  const ids = new Array<string>(cols.count);
  for (let i = 0; i < cols.count; i++) {
    ids[i] = postId(i);
  }
  // Originals and videos share one interned string per (topic, opener).
  const templated = new Map<number, string>();
  const template = (topic: number, pick: number, video: boolean): string => {
    const key = (topic * OPENERS.length + pick) * 2 + (video ? 1 : 0);
    let text = templated.get(key);
    if (text === undefined) {
      text = `${video ? '[video] ' : ''}${OPENERS[pick]} #${topicName(topic)}`;
      templated.set(key, text);
    }
    return text;
  };
  for (let i = 0; i < cols.count; i++) {
    const id = ids[i]!;
    const authorId = users[cols.author[i]!]!.id;
    const topic = cols.topic[i]!;
    const code = cols.kind[i]!;
    const embedding = cols.embeddings.subarray(i * dim, (i + 1) * dim);
    const createdAtMs = cols.createdAt[i]!;
    const pick = rng.int(OPENERS.length);
    const fixed = fixedText.get(i);
    const r = cols.ref[i]!;
    if (code === KIND_REPLY) {
      const handle = users[cols.author[r]!]!.handle;
      const text = fixed ?? `@${handle} ${REPLIES[pick % REPLIES.length]} #${topicName(topic)}`;
      out[i] = { id, authorId, topic, kind: 'reply', embedding, createdAtMs, text, replyToPostId: ids[r]! };
    } else if (code === KIND_REPOST) {
      const text = fixed ?? `RT @${users[cols.author[r]!]!.handle} #${topicName(topic)}`;
      out[i] = { id, authorId, topic, kind: 'repost', embedding, createdAtMs, text, repostOfPostId: ids[r]! };
    } else if (code === KIND_VIDEO) {
      const text = fixed ?? template(topic, pick, true);
      const videoDurationMs = cols.videoMs[i]!;
      out[i] = { id, authorId, topic, kind: 'video', embedding, createdAtMs, text, videoDurationMs };
    } else {
      const text = fixed ?? template(topic, pick, false);
      out[i] = { id, authorId, topic, kind: 'original', embedding, createdAtMs, text };
    }
  }
  return out;
}

/** Posts grouped by author (CSR over user indices), each group newest first. */
export interface AuthorPostIndex {
  /** userCount + 1 offsets into `rows`. */
  readonly offsets: Int32Array;
  readonly rows: Int32Array;
}

export function indexPostsByAuthor(cols: PostColumns, userCount: number): AuthorPostIndex {
  const offsets = new Int32Array(userCount + 1);
  for (let i = 0; i < cols.count; i++) {
    const slot = cols.author[i]! + 1;
    offsets[slot] = offsets[slot]! + 1;
  }
  for (let u = 0; u < userCount; u++) {
    offsets[u + 1] = offsets[u + 1]! + offsets[u]!;
  }
  const fill = offsets.slice(0, userCount);
  const rows = new Int32Array(cols.count);
  // Generic rows are in ascending time, so a descending scan leaves most groups sorted already.
  for (let i = cols.count - 1; i >= 0; i--) {
    const a = cols.author[i]!;
    const slot = fill[a]!;
    rows[slot] = i;
    fill[a] = slot + 1;
  }
  const created = cols.createdAt;
  for (let u = 0; u < userCount; u++) {
    const start = offsets[u]!;
    const end = offsets[u + 1]!;
    for (let j = start + 1; j < end; j++) {
      if (created[rows[j]!]! > created[rows[j - 1]!]!) {
        const group = rows.subarray(start, end);
        group.sort((x, y) => created[y]! - created[x]! || y - x);
        break;
      }
    }
  }
  return { offsets, rows };
}
