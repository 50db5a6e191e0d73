import type { ActionHistory, World } from '@foryou/world';
import { binaryGains, type MetricSummary, ndcgAtK, recallAtK, summarize } from '../metrics/ranking-metrics';
import { annSearch, type AnnIndex, exactSearch, type SearchCorpus } from '../retrieval/search';
import type { PhoenixRuntime } from '../runtime';
import { weightedScore } from '../scoring';
import { buildGroundTruth, type EvalUser, sampleUsers, type Slice } from './ground-truth';

/** The compared methods. */
export const EVAL_METHODS = [
  'retrieval_exact',
  'retrieval_hnsw',
  'feed_phoenix',
  'feed_popularity',
  'popularity',
] as const;
export type EvalMethod = (typeof EVAL_METHODS)[number];

export interface EvalOptions {
  /** Cut-offs K (each ≥ 1). */
  readonly ks: readonly number[];
  /** Users with fewer positive train engagements than this form the "new" slice. */
  readonly newUserMinPositives: number;
  /** Users evaluated per slice at most (seeded sample). */
  readonly maxUsersPerSlice: number;
  readonly sampleSeed: number;
  /** Out-of-network posts the feed takes from HNSW retrieval. */
  readonly feedRetrievalDepth: number;
  /** The feed's in-network source: followed authors' posts at most this old (at world "now")... */
  readonly inNetworkWindowMs: number;
  /** ...newest first, at most this many. */
  readonly inNetworkCap: number;
}

export const DEFAULT_EVAL_OPTIONS: EvalOptions = Object.freeze({
  ks: [10, 50, 200],
  newUserMinPositives: 5,
  maxUsersPerSlice: 1500,
  sampleSeed: 1,
  feedRetrievalDepth: 200,
  inNetworkWindowMs: 48 * 3_600_000,
  inNetworkCap: 300,
});

/** Recall@K and NDCG@K per K (keys are the K values as strings). */
export type MethodMetrics = Record<string, { readonly recall: MetricSummary; readonly ndcg: MetricSummary }>;

export interface SliceReport {
  readonly users: number;
  readonly methods: Record<EvalMethod, MethodMetrics>;
  /** |HNSW top-K ∩ exact top-K| / |exact top-K| (null for users without a user vector). */
  readonly annRecall: Record<string, MetricSummary>;
  /** Users without a user vector (the retrieval answers "no personalisation" for them). */
  readonly noUserVector: number;
}

export interface EvalReport {
  readonly modelVersion: string;
  readonly corpusVersion: string;
  readonly trainCutoffMs: number;
  readonly ks: readonly number[];
  readonly options: EvalOptions;
  readonly users: {
    readonly withRelevant: number;
    /** |R| = 0: excluded from every average and counted here. */
    readonly excludedNoRelevant: number;
    readonly available: Record<Slice, number>;
    readonly evaluated: Record<Slice, number>;
  };
  readonly slices: Record<Slice, SliceReport>;
  /** Per slice: does feed_phoenix beat popularity on Recall@K and NDCG@K at every K? */
  readonly beatsPopularity: Record<Slice, boolean>;
  readonly protocol: readonly string[];
}

/** Per-user ranked lists of every method, truncated at max K. */
type Lists = Record<EvalMethod, readonly string[]>;

const PROTOCOL = [
  'Time split: the model trains on events before the cutoff (80th percentile of event time); each user is asked once, at the cutoff, with the action sequence of their positive engagements before it.',
  'Relevant set R = posts the user engaged with positively at or after the cutoff. Users with |R| = 0 are excluded from every average and counted.',
  'NDCG uses binary gains; IDCG = 0 only when |R| = 0, so the same users are excluded. Fewer than K results count as misses.',
  'Every method skips posts the user saw before the cutoff, their own posts, and blocked or muted authors.',
  'The corpus is the whole world at "now" (content features are known at creation); no engagement at or after the cutoff is used by any method.',
  'retrieval_*: two-tower top-K over the whole corpus (exact brute force and HNSW). feed_phoenix: HNSW out-of-network retrieval ∪ followed authors’ recent posts, ranked by the ranker’s weighted score (x-algorithm default weights). popularity: posts by positive train engagements (ties: newer first). feed_popularity: the feed’s candidates ranked by that popularity order instead of the ranker.',
];

/** Runs the offline evaluation. Deterministic for its inputs. */
export async function evaluateOffline(
  world: World,
  runtime: PhoenixRuntime,
  index: AnnIndex,
  history: ActionHistory,
  options: EvalOptions = DEFAULT_EVAL_OPTIONS,
  onUser?: (done: number, total: number) => void,
): Promise<EvalReport> {
  const ks = [...options.ks].sort((a, b) => a - b);
  const maxK = ks[ks.length - 1] ?? 0;
  const corpus = runtime.corpus;
  const truth = buildGroundTruth(world, corpus, history, options.newUserMinPositives);
  const users = sampleUsers(truth.users, options.maxUsersPerSlice, options.sampleSeed);
  const search: SearchCorpus = { ids: corpus.ids, vectors: runtime.corpusEmbeddings, dim: runtime.embedDim };
  const rankOfRow = new Int32Array(corpus.size);
  truth.popularity.forEach((row, position) => {
    rankOfRow[row] = position;
  });

  const perSlice: Record<Slice, { lists: Lists[]; users: EvalUser[] }> = {
    new: { lists: [], users: [] },
    established: { lists: [], users: [] },
  };
  let done = 0;
  for (const user of users) {
    const lists = await methodLists(
      world,
      runtime,
      search,
      index,
      history,
      truth.popularity,
      rankOfRow,
      user,
      maxK,
      options,
    );
    perSlice[user.slice].lists.push(lists);
    perSlice[user.slice].users.push(user);
    onUser?.(++done, users.length);
  }
  const slices = {
    new: sliceReport(perSlice.new.users, perSlice.new.lists, ks),
    established: sliceReport(perSlice.established.users, perSlice.established.lists, ks),
  };
  const beats = (s: SliceReport): boolean =>
    s.users > 0 &&
    ks.every((k) => {
      const f = s.methods.feed_phoenix[String(k)]!;
      const p = s.methods.popularity[String(k)]!;
      return f.recall.mean > p.recall.mean && f.ndcg.mean > p.ndcg.mean;
    });
  const count = (slice: Slice, list: readonly EvalUser[]) => list.filter((u) => u.slice === slice).length;
  return {
    modelVersion: runtime.model.version,
    corpusVersion: corpus.version,
    trainCutoffMs: history.trainCutoffMs,
    ks,
    options,
    users: {
      withRelevant: truth.users.length,
      excludedNoRelevant: truth.noRelevant,
      available: { new: count('new', truth.users), established: count('established', truth.users) },
      evaluated: { new: count('new', users), established: count('established', users) },
    },
    slices,
    beatsPopularity: { new: beats(slices.new), established: beats(slices.established) },
    protocol: PROTOCOL,
  };
}

async function methodLists(
  world: World,
  runtime: PhoenixRuntime,
  search: SearchCorpus,
  index: AnnIndex,
  history: ActionHistory,
  popularity: Int32Array,
  rankOfRow: Int32Array,
  user: EvalUser,
  maxK: number,
  options: EvalOptions,
): Promise<Lists> {
  const corpus = runtime.corpus;
  const ctx = runtime.userContext(
    history.recent(user.userId, runtime.model.spec.seqLen, history.trainCutoffMs),
  );
  const accept = (row: number) => !user.excluded(row);
  const ids = (hits: readonly { postId: string }[]) => hits.map((h) => h.postId);

  let exact: string[] = [];
  let hnsw: string[] = [];
  let oon: string[] = [];
  if (ctx.userVector) {
    exact = ids((await exactSearch(search, ctx.userVector, maxK, accept)).hits);
    hnsw = ids((await annSearch(search, index, ctx.userVector, maxK, accept)).hits);
    const following = world.following(user.userId);
    const oonAccept = (row: number) => accept(row) && !following.has(corpus.authorIds[row]!);
    oon = ids((await annSearch(search, index, ctx.userVector, options.feedRetrievalDepth, oonAccept)).hits);
  }

  const inNetwork = inNetworkCandidates(world, runtime, user, options);
  const candidates = [...new Set([...oon, ...inNetwork])];
  const following = world.following(user.userId);
  const scored = candidates.map((postId) => {
    const row = corpus.rowOf.get(postId)!;
    const prediction = runtime.predict(ctx, { postId, inNetwork: following.has(corpus.authorIds[row]!) });
    const score = weightedScore(prediction);
    return { postId, score: Number.isNaN(score) ? Number.NEGATIVE_INFINITY : score };
  });
  scored.sort((a, b) => b.score - a.score || (a.postId < b.postId ? -1 : 1));
  const byPopularity = candidates
    .map((postId) => corpus.rowOf.get(postId)!)
    .sort((a, b) => rankOfRow[a]! - rankOfRow[b]!)
    .map((row) => corpus.ids[row]!);

  const pop: string[] = [];
  for (let i = 0; i < popularity.length && pop.length < maxK; i++) {
    const row = popularity[i]!;
    if (accept(row)) {
      pop.push(corpus.ids[row]!);
    }
  }
  return {
    retrieval_exact: exact,
    retrieval_hnsw: hnsw,
    feed_phoenix: scored.slice(0, maxK).map((s) => s.postId),
    feed_popularity: byPopularity.slice(0, maxK),
    popularity: pop,
  };
}

/** Followed authors' posts within the window before world "now", newest first, capped. */
function inNetworkCandidates(
  world: World,
  runtime: PhoenixRuntime,
  user: EvalUser,
  options: EvalOptions,
): string[] {
  const since = world.nowMs - options.inNetworkWindowMs;
  const posts: { id: string; at: number }[] = [];
  for (const author of world.following(user.userId)) {
    for (const post of world.postsByAuthor(author)) {
      if (post.createdAtMs < since) {
        break; // newest first
      }
      const row = runtime.corpus.rowOf.get(post.id);
      if (row !== undefined && !user.excluded(row)) {
        posts.push({ id: post.id, at: post.createdAtMs });
      }
    }
  }
  posts.sort((a, b) => b.at - a.at || (a.id < b.id ? -1 : 1));
  return posts.slice(0, options.inNetworkCap).map((p) => p.id);
}

function sliceReport(
  users: readonly EvalUser[],
  lists: readonly Lists[],
  ks: readonly number[],
): SliceReport {
  const methods = {} as Record<EvalMethod, MethodMetrics>;
  for (const method of EVAL_METHODS) {
    const perK: MethodMetrics = {};
    for (const k of ks) {
      perK[String(k)] = {
        recall: summarize(users.map((u, i) => recallAtK(lists[i]![method], u.relevant, k))),
        ndcg: summarize(users.map((u, i) => ndcgAtK(lists[i]![method], binaryGains(u.relevant), k))),
      };
    }
    methods[method] = perK;
  }
  const annRecall: Record<string, MetricSummary> = {};
  for (const k of ks) {
    annRecall[String(k)] = summarize(
      lists.map((l) => {
        const exact = new Set(l.retrieval_exact.slice(0, k));
        return exact.size === 0 ? null : recallAtK(l.retrieval_hnsw, exact, k);
      }),
    );
  }
  return {
    users: users.length,
    methods,
    annRecall,
    noUserVector: lists.filter((l) => l.retrieval_exact.length === 0).length,
  };
}
