import { ok, type Result } from '@foryou/candidate-pipeline';
import type { World } from '@foryou/world';
import type { UserAction } from '../query/for-you-query';
import type { CallContext } from './call-context';

export interface RetrievedPost {
  readonly postId: string;
  readonly similarity: number;
}

export interface RetrievalRequest {
  readonly viewerId: string;
  readonly actionSequence: readonly UserAction[];
  readonly k: number;
  /** Content-frame ms; older posts are not wanted. */
  readonly notBeforeMs: number;
  readonly excludeAuthorIds: ReadonlySet<string>;
  readonly call: CallContext;
}

export interface RetrievalResponse {
  /** complete; partial (the index could not be fully searched in time); no_personalisation (zero user vector). */
  readonly status: 'complete' | 'partial' | 'no_personalisation';
  readonly posts: readonly RetrievedPost[];
  readonly modelVersion: string;
  readonly corpusVersion: string;
}

/** The Phoenix retrieval role: out-of-network posts nearest to the viewer's user vector. */
export interface RetrievalClient {
  retrieve(request: RetrievalRequest): Promise<Result<RetrievalResponse>>;
}

export const RETRIEVAL_CLIENT = Symbol('RetrievalClient');

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
