import type { PostEvent, PostPayload, PostUpsertEvent } from '@foryou/contracts';
import type { Post, World } from '@foryou/world';

export function payloadOf(post: Post): PostPayload {
  return {
    kind: post.kind,
    createdAtMs: post.createdAtMs,
    ...(post.replyToPostId === undefined ? {} : { replyToPostId: post.replyToPostId }),
    ...(post.repostOfPostId === undefined ? {} : { repostOfPostId: post.repostOfPostId }),
    ...(post.videoDurationMs === undefined ? {} : { videoDurationMs: post.videoDurationMs }),
  };
}

/** One create (version 1) per post of the world, in event-time order (ties by post id). */
export function worldCreates(world: World, run: string): PostUpsertEvent[] {
  return [...world.postList]
    .sort((a, b) => a.createdAtMs - b.createdAtMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((post) => ({
      type: 'create',
      eventId: `${run}-${post.id}-v1`,
      postId: post.id,
      authorId: post.authorId,
      version: 1,
      eventTimeMs: post.createdAtMs,
      publishedAtMs: Date.now(),
      payload: payloadOf(post),
    }));
}

/** A later update (version 2) or delete (version 3) of a create, `afterMs` later in content time. */
export function followUp(create: PostUpsertEvent, type: 'update' | 'delete', afterMs: number): PostEvent {
  const base = {
    eventId: `${create.eventId}-${type}`,
    postId: create.postId,
    authorId: create.authorId,
    eventTimeMs: create.eventTimeMs + afterMs,
    publishedAtMs: Date.now(),
  };
  return type === 'delete'
    ? { ...base, type, version: 3 }
    : { ...base, type, version: 2, payload: create.payload };
}
