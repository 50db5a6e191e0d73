import type { LightPost } from '@foryou/contracts';
import type { StoredPost } from '../store/types';

const KIND = {
  original: 'POST_KIND_ORIGINAL',
  reply: 'POST_KIND_REPLY',
  repost: 'POST_KIND_REPOST',
  video: 'POST_KIND_VIDEO',
} as const;

/** The wire form of a stored post (empty strings / 0 where the proto says "unless kind = …"). */
export function toLightPost(post: StoredPost): LightPost {
  const p = post.payload;
  return {
    post_id: post.postId,
    author_id: post.authorId,
    created_at_ms: p.createdAtMs,
    kind: KIND[p.kind],
    reply_to_post_id: p.replyToPostId ?? '',
    repost_of_post_id: p.repostOfPostId ?? '',
    video_duration_ms: p.videoDurationMs ?? 0,
    version: post.version,
  };
}
