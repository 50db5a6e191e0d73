import * as grpc from '@grpc/grpc-js';
import { ok, type Result } from '@foryou/candidate-pipeline';
import {
  loadThunderProto,
  type GetInNetworkPostsRequest,
  type GetInNetworkPostsResponse__Output,
  type InNetworkPostsClient as ThunderStub,
  type LightPost__Output,
} from '@foryou/contracts';
import type { PostKind } from '@foryou/world';
import type {
  InNetworkPost,
  InNetworkPostsClient,
  InNetworkRequest,
  InNetworkResponse,
} from '../in-network-posts.client';
import { CHANNEL_OPTIONS, unaryCall } from './grpc-call';

const KINDS: Readonly<Record<string, PostKind>> = {
  POST_KIND_ORIGINAL: 'original',
  POST_KIND_REPLY: 'reply',
  POST_KIND_REPOST: 'repost',
  POST_KIND_VIDEO: 'video',
};

/** Thunder over gRPC (`foryou.thunder.v1.InNetworkPosts`). */
export class ThunderGrpcClient implements InNetworkPostsClient {
  private readonly _stub: ThunderStub;

  constructor(address: string) {
    const proto = loadThunderProto();
    this._stub = new proto.foryou.thunder.v1.InNetworkPosts(
      address,
      grpc.credentials.createInsecure(),
      CHANNEL_OPTIONS,
    );
  }

  async postsByAuthors(request: InNetworkRequest): Promise<Result<InNetworkResponse>> {
    const result = await unaryCall(
      (
        req: GetInNetworkPostsRequest,
        md,
        opts,
        cb: grpc.requestCallback<GetInNetworkPostsResponse__Output>,
      ) => this._stub.GetInNetworkPosts(req, md, opts, cb),
      {
        request_id: request.call.requestId,
        viewer_id: request.viewerId,
        author_ids: [...request.authorIds],
        exclude_post_ids: [...request.excludeIds],
        max_per_author: request.maxPerAuthor,
        max_results: request.maxResults,
        not_before_ms: request.notBeforeMs,
      },
      request.call,
    );
    if (!result.ok) {
      return result;
    }
    const r = result.value;
    return ok({ posts: r.posts.map(toPost), partial: r.partial, storeVersion: r.store_version });
  }

  /** Connectivity for readiness reports (informational: Thunder is a fail-open dependency). */
  state(): string {
    return grpc.connectivityState[this._stub.getChannel().getConnectivityState(true)] ?? 'UNKNOWN';
  }

  close(): void {
    this._stub.close();
  }
}

function toPost(p: LightPost__Output): InNetworkPost {
  return {
    postId: p.post_id,
    authorId: p.author_id,
    createdAtMs: p.created_at_ms,
    kind: KINDS[p.kind] ?? 'original',
    ...(p.reply_to_post_id ? { replyToPostId: p.reply_to_post_id } : {}),
    ...(p.repost_of_post_id ? { repostOfPostId: p.repost_of_post_id } : {}),
    ...(p.video_duration_ms ? { videoDurationMs: p.video_duration_ms } : {}),
  };
}
