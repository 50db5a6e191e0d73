import { ok, type Result } from '@foryou/candidate-pipeline';
import type { World } from '@foryou/world';

export interface RetrievedPost {
  readonly postId: string;
  readonly similarity: number;
}

export interface RetrievalResponse {
  /** `personalised` false: the viewer has no usable user vector (unknown viewer). */
  readonly personalised: boolean;
  readonly posts: readonly RetrievedPost[];
  readonly modelVersion: string;
  readonly corpusVersion: string;
}

/** The Phoenix retrieval role: out-of-network posts nearest to the viewer's user vector. */
export interface RetrievalClient {
  retrieve(
    viewerId: string,
    k: number,
    notBeforeMs: number,
    signal: AbortSignal,
  ): Promise<Result<RetrievalResponse>>;
}

export const RETRIEVAL_CLIENT = Symbol('RetrievalClient');

/**
 * Exact cosine top-K over the world's post embeddings with the world's user embedding, stable by
 * (similarity desc, id asc). A stand-in for Phoenix's trained two-tower model until that service exists.
 */
export class WorldRetrievalClient implements RetrievalClient {
  constructor(private readonly _world: World) {}

  retrieve(viewerId: string, k: number, notBeforeMs: number): Promise<Result<RetrievalResponse>> {
    const base = { modelVersion: 'world-embedding-exact-v1', corpusVersion: this._world.version };
    const user = this._world.users.get(viewerId);
    if (!user) {
      return Promise.resolve(ok({ ...base, personalised: false, posts: [] }));
    }
    const dim = user.embedding.length;
    const posts = this._world.postList;
    const matrix = this._world.postEmbeddings;
    const top: RetrievedPost[] = [];
    for (let i = 0; i < posts.length; i++) {
      const post = posts[i]!;
      if (post.createdAtMs < notBeforeMs || post.authorId === viewerId) {
        continue;
      }
      let dot = 0;
      const offset = i * dim;
      for (let d = 0; d < dim; d++) {
        dot += user.embedding[d]! * matrix[offset + d]!;
      }
      insertTopK(top, { postId: post.id, similarity: dot }, k);
    }
    return Promise.resolve(ok({ ...base, personalised: true, posts: top }));
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
