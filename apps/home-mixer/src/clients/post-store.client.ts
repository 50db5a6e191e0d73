import { ok, present, type FieldResult, type Result } from '@foryou/candidate-pipeline';
import type { World } from '@foryou/world';
import type { CoreData } from '../pipeline/candidate/post-candidate';

/** Post core data (author, time, kind, topic) by id: the TweetEntityService role. */
export interface PostStoreClient {
  coreData(
    postIds: readonly string[],
    signal: AbortSignal,
  ): Promise<Result<ReadonlyMap<string, FieldResult<CoreData>>>>;
}

export class WorldPostStoreClient implements PostStoreClient {
  constructor(private readonly _world: World) {}

  coreData(postIds: readonly string[]): Promise<Result<ReadonlyMap<string, FieldResult<CoreData>>>> {
    const out = new Map<string, FieldResult<CoreData>>();
    for (const id of postIds) {
      const post = this._world.posts.get(id);
      out.set(
        id,
        post
          ? present<CoreData>({
              authorId: post.authorId,
              createdAtMs: post.createdAtMs,
              kind: post.kind,
              topic: post.topic,
              text: post.text,
              ...(post.replyToPostId ? { replyToPostId: post.replyToPostId } : {}),
              ...(post.repostOfPostId ? { repostOfPostId: post.repostOfPostId } : {}),
              ...(post.videoDurationMs ? { videoDurationMs: post.videoDurationMs } : {}),
            })
          : { state: 'not_found' },
      );
    }
    return Promise.resolve(ok(out));
  }
}
