import { fail, ok, type Result } from '@foryou/candidate-pipeline';
import type { PostKind, World } from '@foryou/world';
import type { CallContext } from './call-context';

export interface InNetworkPost {
  readonly postId: string;
  readonly authorId: string;
  readonly createdAtMs: number;
  readonly kind: PostKind;
  readonly replyToPostId?: string;
  readonly repostOfPostId?: string;
  readonly videoDurationMs?: number;
}

export interface InNetworkRequest {
  readonly viewerId: string;
  readonly authorIds: ReadonlySet<string>;
  readonly excludeIds: ReadonlySet<string>;
  readonly maxPerAuthor: number;
  readonly maxResults: number;
  /** Posts created before this (content frame, ms) are out of retention. */
  readonly notBeforeMs: number;
  readonly call: CallContext;
}

export interface InNetworkResponse {
  readonly posts: readonly InNetworkPost[];
  /** True when the store ran out of time and returned a prefix of the full answer. */
  readonly partial: boolean;
  readonly storeVersion: string;
}

/** The Thunder role: recent posts by a set of authors, newest first. */
export interface InNetworkPostsClient {
  postsByAuthors(request: InNetworkRequest): Promise<Result<InNetworkResponse>>;
}

export const IN_NETWORK_POSTS_CLIENT = Symbol('InNetworkPostsClient');

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
