import { fail, ok, type Result } from '@foryou/candidate-pipeline';
import type { World } from '@foryou/world';

export interface InNetworkPost {
  readonly postId: string;
  readonly authorId: string;
  readonly createdAtMs: number;
}

export interface InNetworkRequest {
  readonly authorIds: ReadonlySet<string>;
  readonly excludeIds: ReadonlySet<string>;
  readonly maxPerAuthor: number;
  readonly maxResults: number;
  /** Posts created before this (feed time, ms) are out of retention. */
  readonly notBeforeMs: number;
  readonly signal: AbortSignal;
}

/** The Thunder role: recent posts by a set of authors, newest first. */
export interface InNetworkPostsClient {
  readonly version: string;
  postsByAuthors(request: InNetworkRequest): Promise<Result<readonly InNetworkPost[]>>;
}

export const IN_NETWORK_POSTS_CLIENT = Symbol('InNetworkPostsClient');

/** In-process Thunder over the synthetic world (replaced by the gRPC client when Thunder runs). */
export class WorldInNetworkPostsClient implements InNetworkPostsClient {
  readonly version = 'world-thunder-v1';

  constructor(private readonly _world: World) {}

  postsByAuthors(request: InNetworkRequest): Promise<Result<readonly InNetworkPost[]>> {
    const out: InNetworkPost[] = [];
    for (const authorId of request.authorIds) {
      if (request.signal.aborted) {
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
        out.push({ postId: post.id, authorId, createdAtMs: post.createdAtMs });
        taken += 1;
      }
    }
    out.sort((a, b) => b.createdAtMs - a.createdAtMs || a.postId.localeCompare(b.postId));
    return Promise.resolve(ok(out.slice(0, request.maxResults)));
  }
}
