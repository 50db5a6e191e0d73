import type { Result } from '@foryou/candidate-pipeline';
import type { PostKind } from '@foryou/world';
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
