import { type AuthorPool, type FixedAuthor } from './authors';
import { type AuthorSampler, type FollowGraph } from './follow-graph';
import { type AuthorPostIndex, KIND_ORIGINAL, type PostColumns, POST_EMBEDDING_SIGMA } from './posts';
import { cumulative, type Rng, sampleCdf } from './rng';
import {
  LABEL_LOW,
  LABEL_MEDIUM,
  LABEL_SAFE,
  LOOKUP_DEPENDENCY_ERROR,
  LOOKUP_PRESENT,
  type SafetyTable,
} from './safety';
import { DAY_MS, HOUR_MS, MAX_POST_AGE_MS, RECENT_MS } from './scales';
import { topicName } from './topics';
import { type Ad, type Post } from './types';
import { type FixedUser } from './users';
import { dot, jitterInto } from './vec';

/**
 * The A–F fixture present in every world: viewer `xiaolin` on the for_you surface.
 * - A: authorA's newest post (authorA is followed: in-network), on xiaolin's main topic; safe.
 * - B: recent post by authorB (not followed) with an embedding very close to xiaolin's; safe.
 * - C: a 5-hour-old post by authorA, in xiaolin's candidate cache and served history; safe.
 * - D: recent post by authorD, whom xiaolin blocked; embedding close to xiaolin's.
 * - E: recent post by authorE (not followed), embedding close to xiaolin's; its safety lookup
 *   is a dependency_error (hidden truth: medium_risk).
 * - F: an ad relevant to xiaolin's interests.
 *
 * B, D and E sit in xiaolin's niche — the blend of her topics, near her latent embedding — which
 * ordinary topic posts do not reach. The niche has older posts (by authorB, authorD, authorE and
 * others) and readers (xiaolin and the users most like her), so her recent engagement points there
 * and a model trained on everyone's engagement can learn where that leads (see VIEWER_NICHE_POSTS).
 */
export const FIXTURE = {
  viewerId: 'xiaolin',
  surface: 'for_you',
  A: 'A',
  B: 'B',
  C: 'C',
  D: 'D',
  E: 'E',
  F: 'F',
  authorA: 'author-a',
  authorB: 'author-b',
  authorD: 'author-d',
  authorE: 'author-e',
} as const;

/** Fixture users occupy user rows 0..4 in this order. */
export const FIXTURE_USER_IDS: readonly string[] = [
  FIXTURE.viewerId,
  FIXTURE.authorA,
  FIXTURE.authorB,
  FIXTURE.authorD,
  FIXTURE.authorE,
];
export const VIEWER_ROW = 0;
const AUTHOR_A_ROW = 1;
const AUTHOR_B_ROW = 2;
export const AUTHOR_D_ROW = 3;
const AUTHOR_E_ROW = 4;

/** Fixture posts occupy the last five post rows, in this order (xiaolin's niche is just before them). */
export const FIXTURE_POST_IDS: readonly string[] = [FIXTURE.A, FIXTURE.B, FIXTURE.C, FIXTURE.D, FIXTURE.E];
const POST_C = 2;
const POST_E = 4;

/** Popularity rank (as a fraction of all authors) of each fixture author: popular, not top. */
export const FIXTURE_AUTHORS: readonly FixedAuthor[] = [
  { userIndex: AUTHOR_A_ROW, rankFraction: 0.03 },
  { userIndex: AUTHOR_B_ROW, rankFraction: 0.05 },
  { userIndex: AUTHOR_E_ROW, rankFraction: 0.06 },
  { userIndex: AUTHOR_D_ROW, rankFraction: 0.08 },
];

/** xiaolin's three interest topics, in decreasing weight. */
export interface FixtureTopics {
  readonly primary: number;
  readonly secondary: number;
  readonly tertiary: number;
}

export function chooseFixtureTopics(rng: Rng, topics: number): FixtureTopics {
  const primary = rng.int(topics);
  const secondary = (primary + 1 + rng.int(topics - 1)) % topics;
  let tertiary = rng.int(topics);
  while (tertiary === primary || tertiary === secondary) {
    tertiary = (tertiary + 1) % topics;
  }
  return { primary, secondary, tertiary };
}

function mix(topics: number, weights: ReadonlyArray<readonly [number, number]>): Float32Array {
  const v = new Float32Array(topics);
  for (const [t, w] of weights) {
    v[t] = v[t]! + w;
  }
  return v;
}

export function fixtureUsers(topics: number, ft: FixtureTopics): FixedUser[] {
  const { primary: p, secondary: s, tertiary: t } = ft;
  return [
    {
      id: FIXTURE.viewerId,
      handle: 'xiaolin',
      interests: mix(topics, [
        [p, 0.55],
        [s, 0.3],
        [t, 0.15],
      ]),
    },
    {
      id: FIXTURE.authorA,
      handle: 'author_a',
      interests: mix(topics, [
        [p, 0.7],
        [s, 0.3],
      ]),
    },
    {
      id: FIXTURE.authorB,
      handle: 'author_b',
      interests: mix(topics, [
        [p, 0.8],
        [t, 0.2],
      ]),
    },
    {
      id: FIXTURE.authorD,
      handle: 'author_d',
      interests: mix(topics, [
        [p, 0.6],
        [s, 0.4],
      ]),
    },
    {
      id: FIXTURE.authorE,
      handle: 'author_e',
      interests: mix(topics, [
        [s, 0.8],
        [p, 0.2],
      ]),
    },
  ];
}

interface FixturePostSpec {
  authorRow: number;
  topic: keyof FixtureTopics;
  ageMs: number;
  /** Embedding noise around xiaolin's embedding, or undefined for an ordinary topic post. */
  nearViewerSigma?: number;
  text: string;
}

const FIXTURE_POSTS: readonly FixturePostSpec[] = [
  // A is author-a's newest post (Thunder returns newest-first with a per-author cap) and on-topic.
  {
    authorRow: AUTHOR_A_ROW,
    topic: 'primary',
    ageMs: 60_000,
    nearViewerSigma: 0.1,
    text: 'fresh from someone you follow',
  },
  {
    authorRow: AUTHOR_B_ROW,
    topic: 'primary',
    ageMs: 2 * HOUR_MS,
    nearViewerSigma: 0.015,
    text: 'exactly your kind of post',
  },
  // C is still within retention (so only "previously served" explains its drop), but already served.
  { authorRow: AUTHOR_A_ROW, topic: 'secondary', ageMs: 5 * HOUR_MS, text: 'you have seen this one already' },
  {
    authorRow: AUTHOR_D_ROW,
    topic: 'primary',
    ageMs: 1.5 * HOUR_MS,
    nearViewerSigma: 0.03,
    text: 'relevant, but from an account you blocked',
  },
  {
    authorRow: AUTHOR_E_ROW,
    topic: 'secondary',
    ageMs: 3 * HOUR_MS,
    nearViewerSigma: 0.03,
    text: 'relevant, but nobody knows if it is safe',
  },
];

/**
 * Writes posts A–E into rows firstRow..firstRow+4 and returns their texts by row.
 * `userEmbeddings` row VIEWER_ROW is xiaolin's embedding.
 */
export function writeFixturePosts(
  rng: Rng,
  cols: PostColumns,
  firstRow: number,
  ft: FixtureTopics,
  userEmbeddings: Float32Array,
  centroids: Float32Array,
  dim: number,
  nowMs: number,
): Map<number, string> {
  const texts = new Map<number, string>();
  FIXTURE_POSTS.forEach((spec, k) => {
    const row = firstRow + k;
    const topic = ft[spec.topic];
    cols.author[row] = spec.authorRow;
    cols.topic[row] = topic;
    cols.createdAt[row] = nowMs - spec.ageMs;
    cols.kind[row] = KIND_ORIGINAL;
    cols.ref[row] = -1;
    if (spec.nearViewerSigma === undefined) {
      jitterInto(rng, centroids, topic * dim, cols.embeddings, row * dim, dim, POST_EMBEDDING_SIGMA);
    } else {
      jitterInto(
        rng,
        userEmbeddings,
        VIEWER_ROW * dim,
        cols.embeddings,
        row * dim,
        dim,
        spec.nearViewerSigma,
      );
    }
    texts.set(row, `[${FIXTURE_POST_IDS[k]}] ${spec.text} #${topicName(topic)}`);
  });
  return texts;
}

/**
 * xiaolin's niche: the blend of her topics where B, D and E sit, which ordinary topic posts do not
 * reach. VIEWER_NICHE_POSTS older posts occupy rows [firstFixtureRow − VIEWER_NICHE_POSTS,
 * firstFixtureRow) with ordinary `p<row>` ids, text and safety labels. Its readers are xiaolin and
 * the NICHE_READER_SHARE of generic users whose latent embedding is closest to hers; the logging
 * policy shows them niche posts before its own draws (`SyntheticWorld.scriptedImpressions`), and
 * their responses are simulated like any other impression.
 */
export const VIEWER_NICHE_POSTS = 32;
/** Share of all users (generic ones, nearest xiaolin first) who read the niche besides her. */
export const NICHE_READER_SHARE = 0.02;
/** Niche posts shown to each generic reader (a seeded sample per reader); xiaolin is shown all. */
export const NICHE_READER_IMPRESSIONS = 8;
/** Per-dimension noise of a niche post around xiaolin's embedding (A's noise; B/D/E are closer). */
const NICHE_SIGMA = 0.1;
/** Niche posts are 2.5–6.5 days old: read before today, and never themselves a candidate. */
const NICHE_MIN_AGE_MS = 2.5 * DAY_MS;
const NICHE_MAX_AGE_MS = Math.min(6.5 * DAY_MS, MAX_POST_AGE_MS);
/** The niche's regular writers, in rotation; every fourth niche post is by a popular topic author. */
const NICHE_WRITERS: readonly number[] = [AUTHOR_B_ROW, AUTHOR_D_ROW, AUTHOR_E_ROW];

/**
 * Writes the niche into rows firstRow..firstRow+VIEWER_NICHE_POSTS−1, oldest first: original posts
 * older than RECENT_MS, each on one of xiaolin's topics (drawn by her interest weights) with an
 * embedding near hers; authors rotate through authorB, authorD, authorE and a popular author of the
 * post's topic (never authorD there). So her history, and her fellow readers', points where B, D
 * and E are, by their authors among others; she never sees authorD's niche posts (she blocked them).
 */
export function writeViewerNiche(
  rng: Rng,
  cols: PostColumns,
  firstRow: number,
  pool: AuthorPool,
  viewerInterests: Float32Array,
  userEmbeddings: Float32Array,
  dim: number,
  nowMs: number,
): void {
  const interestCdf = cumulative(viewerInterests);
  const ages = Array.from(
    { length: VIEWER_NICHE_POSTS },
    () => NICHE_MIN_AGE_MS + rng.next() * (NICHE_MAX_AGE_MS - NICHE_MIN_AGE_MS),
  ).sort((x, y) => y - x);
  ages.forEach((age, k) => {
    const row = firstRow + k;
    const topic = sampleCdf(interestCdf, rng.next());
    const slot = k % (NICHE_WRITERS.length + 1);
    cols.author[row] = NICHE_WRITERS[slot] ?? popularTopicAuthor(rng, pool, topic);
    cols.topic[row] = topic;
    cols.createdAt[row] = Math.round(nowMs - age);
    cols.kind[row] = KIND_ORIGINAL;
    cols.ref[row] = -1;
    cols.videoMs[row] = 0;
    jitterInto(rng, userEmbeddings, VIEWER_ROW * dim, cols.embeddings, row * dim, dim, NICHE_SIGMA);
  });
}

/** A popular author of `topic` (of all authors when the topic has none), never authorD. */
function popularTopicAuthor(rng: Rng, pool: AuthorPool, topic: number): number {
  const ranks = pool.topicRanks[topic]!;
  for (let tries = 0; tries < 64; tries++) {
    const rank =
      ranks.length > 0
        ? ranks[sampleCdf(pool.topicCdfs[topic]!, rng.next())]!
        : sampleCdf(pool.popularityCdf, rng.next());
    if (pool.byRank[rank] !== AUTHOR_D_ROW) {
      return pool.byRank[rank]!;
    }
  }
  return pool.byRank[0] === AUTHOR_D_ROW ? pool.byRank[1]! : pool.byRank[0]!;
}

/**
 * The niche's generic readers: the round(NICHE_READER_SHARE × users) generic users (rows after the
 * fixture users) whose latent embedding has the highest cosine with xiaolin's, ties by row.
 */
export function nicheReaders(userEmbeddings: Float32Array, userCount: number, dim: number): number[] {
  const scored: { row: number; sim: number }[] = [];
  for (let u = FIXTURE_USER_IDS.length; u < userCount; u++) {
    scored.push({ row: u, sim: dot(userEmbeddings, u * dim, userEmbeddings, VIEWER_ROW * dim, dim) });
  }
  scored.sort((a, b) => b.sim - a.sim || a.row - b.row);
  return scored.slice(0, Math.round(NICHE_READER_SHARE * userCount)).map((s) => s.row);
}

/** A generic reader's niche impressions: NICHE_READER_IMPRESSIONS distinct niche posts, drawn by `rng`. */
export function readerImpressions(rng: Rng, niche: readonly string[]): string[] {
  const ids = [...niche];
  const n = Math.min(ids.length, NICHE_READER_IMPRESSIONS);
  for (let i = 0; i < n; i++) {
    const j = i + rng.int(ids.length - i);
    [ids[i], ids[j]] = [ids[j]!, ids[i]!];
  }
  return ids.slice(0, n);
}

/** The fixture ad F: on xiaolin's primary topic, embedding close to hers. */
export function fixtureAd(rng: Rng, ft: FixtureTopics, userEmbeddings: Float32Array, dim: number): Ad {
  const embedding = new Float32Array(dim);
  jitterInto(rng, userEmbeddings, VIEWER_ROW * dim, embedding, 0, dim, 0.05);
  return { id: FIXTURE.F, advertiserId: 'adv-f', topic: ft.primary, embedding, bidMicros: 2_500_000 };
}

/**
 * Minimum follows and minimum recent (< 48 h) in-network posts guaranteed for xiaolin. She follows
 * few authors (a dozen, popular ones, so plenty of recent in-network posts): the top post of each
 * followed author and then the best out-of-network recommendations share her first page.
 */
const VIEWER_MIN_FOLLOWS = 12;
const VIEWER_MIN_RECENT = 30;
const VIEWER_MAX_FOLLOWS = 200;

/**
 * xiaolin's follow list: authorA plus sampled authors (never authorB/D/E) until she follows at
 * least VIEWER_MIN_FOLLOWS authors with at least VIEWER_MIN_RECENT recent posts between them.
 */
export function viewerFollowList(sampler: AuthorSampler, recentPostCount: Int32Array): number[] {
  sampler.begin(VIEWER_ROW, [AUTHOR_B_ROW, AUTHOR_D_ROW, AUTHOR_E_ROW]);
  sampler.exclude(AUTHOR_A_ROW);
  const list = [AUTHOR_A_ROW];
  let recent = recentPostCount[AUTHOR_A_ROW]!;
  while (
    (list.length < VIEWER_MIN_FOLLOWS || recent < VIEWER_MIN_RECENT) &&
    list.length < VIEWER_MAX_FOLLOWS
  ) {
    const v = sampler.draw();
    if (v < 0) {
      break;
    }
    list.push(v);
    recent += recentPostCount[v]!;
  }
  return list;
}

/** Number of posts younger than RECENT_MS per author (user index). */
export function recentPostCounts(cols: PostColumns, userCount: number, nowMs: number): Int32Array {
  const counts = new Int32Array(userCount);
  for (let i = 0; i < cols.count; i++) {
    if (nowMs - cols.createdAt[i]! < RECENT_MS) {
      const a = cols.author[i]!;
      counts[a] = counts[a]! + 1;
    }
  }
  return counts;
}

/** A generic author xiaolin mutes: not followed and not a fixture author. */
export function viewerMute(rng: Rng, byRank: Int32Array, follows: readonly number[]): number[] {
  const fixtureRows = FIXTURE_USER_IDS.map((_, row) => row);
  const taken = new Set([...follows, ...fixtureRows]);
  const candidates = Array.from(byRank).filter((u) => !taken.has(u));
  return candidates.length > 0 ? [candidates[rng.int(candidates.length)]!] : [];
}

/** Risk labels forced onto xiaolin's newest in-network posts (position → label); others safe. */
const RISK_PATTERN_LENGTH = 24;
const MEDIUM_POSITIONS = new Set([1, 4, 7, 11, 16]);
const LOW_POSITIONS = new Set([2, 9, 14, 20]);

/** Rows of xiaolin's in-network posts (excluding fixture rows), newest first. */
function viewerInNetworkRows(
  graph: FollowGraph,
  byAuthor: AuthorPostIndex,
  firstFixtureRow: number,
): number[] {
  const rows: number[] = [];
  for (const a of graph.followsOf(VIEWER_ROW)) {
    for (let j = byAuthor.offsets[a]!; j < byAuthor.offsets[a + 1]!; j++) {
      const row = byAuthor.rows[j]!;
      if (row < firstFixtureRow) {
        rows.push(row);
      }
    }
  }
  return rows;
}

/**
 * Fixture safety: A–D safe, E dependency_error (truth medium_risk), and xiaolin's 24 newest
 * in-network posts get a fixed mix of safe / low_risk / medium_risk labels (all present), so an
 * ad blender sees both safe and risky neighbours.
 */
export function applyFixtureSafety(
  safety: SafetyTable,
  cols: PostColumns,
  graph: FollowGraph,
  byAuthor: AuthorPostIndex,
  firstFixtureRow: number,
): void {
  for (let k = 0; k < FIXTURE_POST_IDS.length; k++) {
    safety.truth[firstFixtureRow + k] = LABEL_SAFE;
    safety.lookup[firstFixtureRow + k] = LOOKUP_PRESENT;
  }
  safety.truth[firstFixtureRow + POST_E] = LABEL_MEDIUM;
  safety.lookup[firstFixtureRow + POST_E] = LOOKUP_DEPENDENCY_ERROR;
  const created = cols.createdAt;
  const newest = viewerInNetworkRows(graph, byAuthor, firstFixtureRow)
    .sort((x, y) => created[y]! - created[x]! || y - x)
    .slice(0, RISK_PATTERN_LENGTH);
  newest.forEach((row, pos) => {
    safety.truth[row] = MEDIUM_POSITIONS.has(pos)
      ? LABEL_MEDIUM
      : LOW_POSITIONS.has(pos)
        ? LABEL_LOW
        : LABEL_SAFE;
    safety.lookup[row] = LOOKUP_PRESENT;
  });
}

/**
 * xiaolin's initial served history and candidate cache: both start with C, followed by older
 * (> 3 days) in-network posts — 5 more served, 3 more cached.
 */
export function viewerHistory(
  postList: readonly Post[],
  cols: PostColumns,
  graph: FollowGraph,
  byAuthor: AuthorPostIndex,
  firstFixtureRow: number,
  nowMs: number,
): { served: string[]; cached: string[] } {
  const created = cols.createdAt;
  const older = viewerInNetworkRows(graph, byAuthor, firstFixtureRow)
    .filter((row) => nowMs - created[row]! > 3 * DAY_MS)
    .sort((x, y) => created[y]! - created[x]! || y - x);
  const c = postList[firstFixtureRow + POST_C]!.id;
  const pick = (rows: number[]): string[] => rows.map((r) => postList[r]!.id);
  return { served: [c, ...pick(older.slice(0, 5))], cached: [c, ...pick(older.slice(5, 8))] };
}
