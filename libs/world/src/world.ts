import { selectAuthors } from './authors';
import { generateAds } from './ads';
import {
  applyFixtureSafety,
  chooseFixtureTopics,
  FIXTURE_AUTHORS,
  FIXTURE_POST_IDS,
  fixtureAd,
  fixtureUsers,
  nicheReaders,
  readerImpressions,
  recentPostCounts,
  AUTHOR_D_ROW,
  VIEWER_ROW,
  viewerFollowList,
  viewerHistory,
  viewerMute,
  VIEWER_NICHE_POSTS,
  writeFixturePosts,
  writeViewerNiche,
} from './fixture';
import { buildFollowGraph, type FollowGraph, sampleBlocksAndMutes, sampleFollowLists } from './follow-graph';
import {
  allocatePostColumns,
  type AuthorPostIndex,
  generateGenericPosts,
  indexPostsByAuthor,
  materializePosts,
} from './posts';
import { createRng, deriveSeed, type Rng } from './rng';
import { generateSafety, LABELS, lookupSafety, type SafetyTable, unknownPostLookup } from './safety';
import { DEFAULT_EMBEDDING_DIM, DEFAULT_TOPICS, SCALES, STREAM, WORLD_NOW_MS } from './scales';
import { generateTopicCentroids } from './topics';
import {
  type Ad,
  type Post,
  type SafetyLabel,
  type SafetyLookup,
  type User,
  type World,
  type WorldConfig,
} from './types';
import { generateUsers } from './users';

const FORMAT_VERSION = 'v2';
const EMPTY_SET: ReadonlySet<string> = new Set<string>();
const EMPTY_LIST: readonly never[] = Object.freeze([]);
/** Generic users' initial served history / candidate cache sizes (before de-duplication). */
const GENERIC_SERVED = 8;
const GENERIC_CACHED = 4;

function checkInt(name: string, v: number, min: number, max: number): void {
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new RangeError(`${name} must be an integer in [${min}, ${max}], got ${v}`);
  }
}

/** Fills defaults and validates; throws RangeError on an invalid config. */
export function resolveConfig(config: WorldConfig): Required<WorldConfig> {
  const resolved = {
    seed: config.seed,
    scale: config.scale,
    topics: config.topics ?? DEFAULT_TOPICS,
    embeddingDim: config.embeddingDim ?? DEFAULT_EMBEDDING_DIM,
  };
  if (!Number.isSafeInteger(resolved.seed)) {
    throw new RangeError(`seed must be a safe integer, got ${resolved.seed}`);
  }
  if (!Object.hasOwn(SCALES, resolved.scale)) {
    throw new RangeError(`unknown scale ${String(resolved.scale)}`);
  }
  checkInt('topics', resolved.topics, 3, 1024);
  checkInt('embeddingDim', resolved.embeddingDim, 4, 1024);
  return Object.freeze(resolved);
}

/** `world-<scale>-<seed>[-t<T>][-d<D>]-v2`; overrides appear only when they differ from the defaults. */
export function worldVersion(config: Required<WorldConfig>): string {
  const t = config.topics === DEFAULT_TOPICS ? '' : `-t${config.topics}`;
  const d = config.embeddingDim === DEFAULT_EMBEDDING_DIM ? '' : `-d${config.embeddingDim}`;
  return `world-${config.scale}-${config.seed}${t}${d}-${FORMAT_VERSION}`;
}

interface WorldParts {
  config: Required<WorldConfig>;
  users: readonly User[];
  userIndex: ReadonlyMap<string, number>;
  postList: readonly Post[];
  postEmbeddings: Float32Array;
  /** Row of the first fixture post; rows below it have ids `p<row>`. */
  firstFixtureRow: number;
  ads: readonly Ad[];
  graph: FollowGraph;
  byAuthor: AuthorPostIndex;
  safety: SafetyTable;
  viewerServed: readonly string[];
  viewerCached: readonly string[];
  /** Post ids of xiaolin's niche, in row order (see `scriptedImpressions`). */
  viewerNiche: readonly string[];
  /** User rows of the niche's generic readers. */
  nicheReaders: readonly number[];
}

/**
 * The World implementation. Bulk data lives in typed arrays; per-user sets and lists are built
 * lazily on first access and memoised (they are deterministic, so access order never matters).
 */
export class SyntheticWorld implements World {
  readonly config: Required<WorldConfig>;
  readonly nowMs = WORLD_NOW_MS;
  readonly version: string;
  readonly users: ReadonlyMap<string, User>;
  readonly posts: ReadonlyMap<string, Post>;
  readonly postList: readonly Post[];
  readonly postEmbeddings: Float32Array;
  readonly ads: readonly Ad[];

  private readonly userList: readonly User[];
  private readonly userIndex: ReadonlyMap<string, number>;
  private readonly firstFixtureRow: number;
  private readonly graph: FollowGraph;
  private readonly byAuthor: AuthorPostIndex;
  private readonly safety: SafetyTable;
  private readonly viewerNiche: readonly string[];
  private readonly nicheReaders: ReadonlySet<number>;
  private readonly followingCache = new Map<number, ReadonlySet<string>>();
  private readonly blockedCache = new Map<number, ReadonlySet<string>>();
  private readonly mutedCache = new Map<number, ReadonlySet<string>>();
  private readonly authorPostsCache = new Map<number, readonly Post[]>();
  private readonly historyCache = new Map<number, { served: readonly string[]; cached: readonly string[] }>();

  constructor(parts: WorldParts) {
    this.config = parts.config;
    this.version = worldVersion(parts.config);
    this.userList = parts.users;
    this.userIndex = parts.userIndex;
    const users = new Map<string, User>();
    for (const u of parts.users) {
      users.set(u.id, u);
    }
    this.users = users;
    this.postList = parts.postList;
    const posts = new Map<string, Post>();
    for (const p of parts.postList) {
      posts.set(p.id, p);
    }
    this.posts = posts;
    this.postEmbeddings = parts.postEmbeddings;
    this.firstFixtureRow = parts.firstFixtureRow;
    this.ads = parts.ads;
    this.graph = parts.graph;
    this.byAuthor = parts.byAuthor;
    this.safety = parts.safety;
    this.viewerNiche = parts.viewerNiche;
    this.nicheReaders = new Set(parts.nicheReaders);
    this.historyCache.set(VIEWER_ROW, { served: parts.viewerServed, cached: parts.viewerCached });
  }

  following(userId: string): ReadonlySet<string> {
    return this.memoSet(this.followingCache, userId, (u) => this.graph.followsOf(u));
  }

  followerCount(userId: string): number {
    const u = this.userIndex.get(userId);
    return u === undefined ? 0 : this.graph.followerCounts[u]!;
  }

  blocked(userId: string): ReadonlySet<string> {
    return this.memoSet(this.blockedCache, userId, (u) => this.graph.blocks.get(u));
  }

  muted(userId: string): ReadonlySet<string> {
    return this.memoSet(this.mutedCache, userId, (u) => this.graph.mutes.get(u));
  }

  postsByAuthor(authorId: string): readonly Post[] {
    const u = this.userIndex.get(authorId);
    if (u === undefined) {
      return EMPTY_LIST;
    }
    let posts = this.authorPostsCache.get(u);
    if (!posts) {
      const rows = this.byAuthor.rows.subarray(this.byAuthor.offsets[u], this.byAuthor.offsets[u + 1]);
      posts = Object.freeze(Array.from(rows, (r) => this.postList[r]!));
      this.authorPostsCache.set(u, posts);
    }
    return posts;
  }

  safetyLabel(postId: string): SafetyLookup {
    const row = this.rowOf(postId);
    return row < 0 ? unknownPostLookup() : lookupSafety(this.safety, row);
  }

  /**
   * Hidden ground-truth label of a post (also for not_found / dependency_error lookups), or
   * undefined for an unknown id. For the engagement simulator and offline evaluation only.
   */
  groundTruthLabel(postId: string): SafetyLabel | undefined {
    const row = this.rowOf(postId);
    return row < 0 ? undefined : LABELS[this.safety.truth[row]!];
  }

  /**
   * Post ids the logging policy shows the user before its own draws (`generateEngagementLog`): every
   * niche post for xiaolin (row order), a seeded per-reader sample of NICHE_READER_IMPRESSIONS for
   * the niche's generic readers, nothing for anyone else (see VIEWER_NICHE_POSTS). Deterministic per
   * user, independent of call order. For the engagement simulator only.
   */
  scriptedImpressions(userId: string): readonly string[] {
    const u = this.userIndex.get(userId);
    if (u === VIEWER_ROW) {
      return this.viewerNiche;
    }
    if (u === undefined || !this.nicheReaders.has(u)) {
      return EMPTY_LIST;
    }
    return readerImpressions(createRng(deriveSeed(this.config.seed, STREAM.nicheReads, u)), this.viewerNiche);
  }

  servedHistory(userId: string): readonly string[] {
    return this.history(userId)?.served ?? EMPTY_LIST;
  }

  cachedCandidates(userId: string): readonly string[] {
    return this.history(userId)?.cached ?? EMPTY_LIST;
  }

  /** Row of `postId` in postList, or -1. Generic ids are `p<row>`; fixture ids follow them. */
  private rowOf(postId: string): number {
    const fixture = FIXTURE_POST_IDS.indexOf(postId);
    if (fixture >= 0) {
      return this.firstFixtureRow + fixture;
    }
    if (postId.length < 2 || postId.charCodeAt(0) !== 112 /* p */) {
      return -1;
    }
    const row = Number(postId.slice(1));
    return Number.isInteger(row) && row >= 0 && this.postList[row]?.id === postId ? row : -1;
  }

  private memoSet(
    cache: Map<number, ReadonlySet<string>>,
    userId: string,
    rows: (u: number) => Int32Array | undefined,
  ): ReadonlySet<string> {
    const u = this.userIndex.get(userId);
    if (u === undefined) {
      return EMPTY_SET;
    }
    let set = cache.get(u);
    if (!set) {
      const r = rows(u);
      set = r && r.length > 0 ? new Set(Array.from(r, (v) => this.userList[v]!.id)) : EMPTY_SET;
      cache.set(u, set);
    }
    return set;
  }

  /**
   * Generic users: up to 8 served and 4 cached posts drawn from followed authors' posts with a
   * per-user RNG stream, so the result does not depend on which users were asked first.
   */
  private history(userId: string): { served: readonly string[]; cached: readonly string[] } | undefined {
    const u = this.userIndex.get(userId);
    if (u === undefined) {
      return undefined;
    }
    let h = this.historyCache.get(u);
    if (!h) {
      const rng = createRng(deriveSeed(this.config.seed, STREAM.history, u));
      const follows = this.graph.followsOf(u);
      h = Object.freeze({
        served: Object.freeze(this.samplePosts(rng, follows, GENERIC_SERVED)),
        cached: Object.freeze(this.samplePosts(rng, follows, GENERIC_CACHED)),
      });
      this.historyCache.set(u, h);
    }
    return h;
  }

  private samplePosts(rng: Rng, authors: Int32Array, draws: number): string[] {
    const out = new Set<string>();
    if (authors.length === 0) {
      return [];
    }
    for (let k = 0; k < draws; k++) {
      const a = authors[rng.int(authors.length)]!;
      const start = this.byAuthor.offsets[a]!;
      const len = this.byAuthor.offsets[a + 1]! - start;
      if (len > 0) {
        out.add(this.postList[this.byAuthor.rows[start + rng.int(len)]!]!.id);
      }
    }
    return [...out];
  }
}

/**
 * Generates the seeded synthetic world. Deterministic: the same config always yields the same
 * users, graph, posts, labels and ads (each phase draws from its own RNG stream). The A–F fixture
 * (see FIXTURE) is present at every scale. Throws RangeError on an invalid config.
 */
export function generateWorld(config: WorldConfig): World {
  const cfg = resolveConfig(config);
  const { seed, scale, topics, embeddingDim: dim } = cfg;
  const counts = SCALES[scale];
  const nowMs = WORLD_NOW_MS;
  const stream = (s: number): Rng => createRng(deriveSeed(seed, s));
  const fixtureRng = stream(STREAM.fixture);

  const centroids = generateTopicCentroids(stream(STREAM.topics), topics, dim);
  const ft = chooseFixtureTopics(fixtureRng, topics);
  const userTable = generateUsers(
    stream(STREAM.users),
    counts.users,
    fixtureUsers(topics, ft),
    centroids,
    topics,
    dim,
    nowMs,
  );
  const { interests, embeddings: userEmbeddings } = userTable;
  const pool = selectAuthors(
    stream(STREAM.authors),
    counts.users,
    FIXTURE_AUTHORS,
    new Set([VIEWER_ROW]),
    interests,
    topics,
  );

  const cols = allocatePostColumns(counts.posts, dim);
  const firstFixtureRow = counts.posts - FIXTURE_POST_IDS.length;
  const firstNicheRow = firstFixtureRow - VIEWER_NICHE_POSTS;
  generateGenericPosts(
    stream(STREAM.posts),
    cols,
    firstNicheRow,
    pool,
    interests,
    centroids,
    topics,
    dim,
    nowMs,
  );
  writeViewerNiche(
    stream(STREAM.niche),
    cols,
    firstNicheRow,
    pool,
    interests.subarray(VIEWER_ROW * topics, (VIEWER_ROW + 1) * topics),
    userEmbeddings,
    dim,
    nowMs,
  );
  const fixedText = writeFixturePosts(
    fixtureRng,
    cols,
    firstFixtureRow,
    ft,
    userEmbeddings,
    centroids,
    dim,
    nowMs,
  );
  const byAuthor = indexPostsByAuthor(cols, counts.users);

  const recent = recentPostCounts(cols, counts.users, nowMs);
  const followLists = sampleFollowLists(
    stream(STREAM.follows),
    counts.users,
    pool,
    interests,
    topics,
    (u, s) => (u === VIEWER_ROW ? viewerFollowList(s, recent) : undefined),
  );
  const blockRng = stream(STREAM.blocks);
  const { blocks, mutes } = sampleBlocksAndMutes(
    blockRng,
    followLists,
    pool,
    new Map([[VIEWER_ROW, [AUTHOR_D_ROW]]]),
    new Map([[VIEWER_ROW, viewerMute(blockRng, pool.byRank, followLists[VIEWER_ROW]!)]]),
  );
  const graph = buildFollowGraph(followLists, blocks, mutes);

  const safety = generateSafety(stream(STREAM.safety), counts.posts);
  applyFixtureSafety(safety, cols, graph, byAuthor, firstFixtureRow);

  const postList = materializePosts(
    stream(STREAM.text),
    cols,
    dim,
    userTable.users,
    (row) => (row < firstFixtureRow ? `p${row}` : FIXTURE_POST_IDS[row - firstFixtureRow]!),
    fixedText,
  );
  const history = viewerHistory(postList, cols, graph, byAuthor, firstFixtureRow, nowMs);
  const ads = generateAds(
    stream(STREAM.ads),
    counts.ads,
    [fixtureAd(fixtureRng, ft, userEmbeddings, dim)],
    centroids,
    topics,
    dim,
  );

  return new SyntheticWorld({
    config: cfg,
    users: userTable.users,
    userIndex: userTable.index,
    postList,
    postEmbeddings: cols.embeddings,
    firstFixtureRow,
    ads,
    graph,
    byAuthor,
    safety,
    viewerServed: Object.freeze(history.served),
    viewerCached: Object.freeze(history.cached),
    viewerNiche: Object.freeze(postList.slice(firstNicheRow, firstFixtureRow).map((p) => p.id)),
    nicheReaders: nicheReaders(userEmbeddings, counts.users, dim),
  });
}
