import { fail, ok, type Result } from '@foryou/candidate-pipeline';
import { ACTIONS, type Action, type World } from '@foryou/world';
import type {
  InNetworkPost,
  InNetworkPostsClient,
  InNetworkRequest,
  InNetworkResponse,
} from '../clients/in-network-posts.client';
import type { RankingClient, RankingRequest, RankingResponse } from '../clients/ranking.client';
import type {
  RetrievalClient,
  RetrievalRequest,
  RetrievalResponse,
  RetrievedPost,
} from '../clients/retrieval.client';

// Test doubles for Thunder and Phoenix: the synthetic world answers in-process. Unit and HTTP
// integration tests use them; production and e2e tests use the real services over gRPC.

/** In-process Thunder over the synthetic world, for unit tests and single-process tools. */
export class WorldInNetworkPostsClient implements InNetworkPostsClient {
  constructor(private readonly _world: World) {}

  postsByAuthors(request: InNetworkRequest): Promise<Result<InNetworkResponse>> {
    const out: InNetworkPost[] = [];
    for (const authorId of request.authorIds) {
      if (request.call.signal.aborted) {
        return Promise.resolve(fail('dependency_unavailable', 'cancelled while scanning authors'));
      }
      let taken = 0;
      for (const post of this._world.postsByAuthor(authorId)) {
        if (taken >= request.maxPerAuthor || post.createdAtMs < request.notBeforeMs) {
          break;
        }
        if (request.excludeIds.has(post.id)) {
          continue;
        }
        out.push({
          postId: post.id,
          authorId,
          createdAtMs: post.createdAtMs,
          kind: post.kind,
          ...(post.replyToPostId ? { replyToPostId: post.replyToPostId } : {}),
          ...(post.repostOfPostId ? { repostOfPostId: post.repostOfPostId } : {}),
          ...(post.videoDurationMs ? { videoDurationMs: post.videoDurationMs } : {}),
        });
        taken += 1;
      }
    }
    out.sort((a, b) => b.createdAtMs - a.createdAtMs || a.postId.localeCompare(b.postId));
    return Promise.resolve(
      ok({
        posts: out.slice(0, request.maxResults),
        partial: false,
        storeVersion: `world/${this._world.version}`,
      }),
    );
  }
}

/**
 * Exact cosine top-K over the world's post embeddings with the world's latent user embedding, stable by
 * (similarity desc, id asc). An in-process stand-in for Phoenix, for unit tests and single-process tools.
 */
export class WorldRetrievalClient implements RetrievalClient {
  constructor(private readonly _world: World) {}

  retrieve(request: RetrievalRequest): Promise<Result<RetrievalResponse>> {
    const base = { modelVersion: 'world-embedding-exact-v1', corpusVersion: this._world.version };
    const user = this._world.users.get(request.viewerId);
    if (!user) {
      return Promise.resolve(ok({ ...base, status: 'no_personalisation', posts: [] }));
    }
    const dim = user.embedding.length;
    const posts = this._world.postList;
    const matrix = this._world.postEmbeddings;
    const top: RetrievedPost[] = [];
    for (let i = 0; i < posts.length; i++) {
      const post = posts[i]!;
      if (
        post.createdAtMs < request.notBeforeMs ||
        post.authorId === request.viewerId ||
        request.excludeAuthorIds.has(post.authorId)
      ) {
        continue;
      }
      let dot = 0;
      const offset = i * dim;
      for (let d = 0; d < dim; d++) {
        dot += user.embedding[d]! * matrix[offset + d]!;
      }
      insertTopK(top, { postId: post.id, similarity: dot }, request.k);
    }
    return Promise.resolve(ok({ ...base, status: 'complete', posts: top }));
  }
}

/** Keeps `top` sorted by (similarity desc, id asc) and at most k long. */
function insertTopK(top: RetrievedPost[], item: RetrievedPost, k: number): void {
  if (k <= 0) {
    return;
  }
  const worse = (a: RetrievedPost, b: RetrievedPost) =>
    a.similarity < b.similarity || (a.similarity === b.similarity && a.postId > b.postId);
  if (top.length === k && !worse(top[k - 1]!, item)) {
    return;
  }
  let i = top.length < k ? top.length : k - 1;
  top[i] = item;
  while (i > 0 && worse(top[i - 1]!, top[i]!)) {
    [top[i - 1], top[i]] = [top[i]!, top[i - 1]!];
    i -= 1;
  }
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/**
 * A hand-set logistic model over public signals (viewer·post embedding affinity, in-network, author
 * popularity). Honest placeholder for the trained Phoenix ranker: its version says so.
 */
export class HeuristicRankingClient implements RankingClient {
  readonly modelVersion = 'heuristic-logistic-v1';

  constructor(private readonly _world: World) {}

  predict(request: RankingRequest): Promise<Result<RankingResponse>> {
    const { candidates } = request;
    const user = this._world.users.get(request.viewerId);
    const predictions = new Map<string, Record<Action, number>>();
    for (const c of candidates) {
      const post = this._world.posts.get(c.postId);
      let affinity = 0;
      if (user && post) {
        for (let d = 0; d < user.embedding.length; d++) {
          affinity += user.embedding[d]! * post.embedding[d]!;
        }
      }
      const popularity = Math.log1p(c.authorId ? this._world.followerCount(c.authorId) : 0) / 10;
      const z = AFFINITY_SLOPE * affinity + (c.inNetwork ? IN_NETWORK_BOOST : 0) + popularity;
      const row = {} as Record<Action, number>;
      for (const action of ACTIONS) {
        row[action] = sigmoid(BIAS[action] + (NEGATIVE.has(action) ? -z : z));
      }
      predictions.set(c.postId, row);
    }
    return Promise.resolve(ok({ modelVersion: this.modelVersion, predictions }));
  }
}

/** Logit slope of viewer·post affinity, and the extra logit of following the author. */
const AFFINITY_SLOPE = 4;
const IN_NETWORK_BOOST = 0.8;
const NEGATIVE: ReadonlySet<Action> = new Set(['not_interested', 'block_author', 'mute_author', 'report']);
const BIAS: Readonly<Record<Action, number>> = {
  favorite: -4,
  reply: -6,
  repost: -5.5,
  click: -3,
  dwell: -2,
  not_interested: -5,
  block_author: -8,
  mute_author: -7.5,
  report: -9,
};
