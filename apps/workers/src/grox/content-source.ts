import { topicName, type World } from '@foryou/world';
import type { PostContent } from './content-models';

/** What a Grox graph is submitted with: ids and versions (small), and the content if the event carried it. */
export interface ContentGraphPayload {
  readonly postId: string;
  readonly authorId: string;
  /** The post version the event carried (the result version is derived from it). */
  readonly version: number;
  readonly eventType: 'create' | 'update';
  readonly eventId: string;
  /**
   * Text and topic when the stream entry carried them (optional `text` / `topic` fields: not part of
   * the v1 post-event contract, whose payload has no content, but additive fields are allowed by it).
   * Absent → `load` reads the post from the world.
   */
  readonly text?: string;
  readonly topic?: string;
}

/** The post as `load` found it. */
export interface LoadedPost extends PostContent {
  readonly postId: string;
  readonly authorId: string;
  readonly source: 'event' | 'world';
}

export type LoadResult =
  | { readonly ok: true; readonly post: LoadedPost }
  | { readonly ok: false; readonly reason: 'post_not_found' | 'author_mismatch' };

/** Where `load` reads a post's content from. */
export interface ContentSource {
  /** Name of the data the source serves (e.g. the world version), recorded with results. */
  readonly version: string;
  /** The dimension embeddings are produced in (the world's post-embedding dimension). */
  readonly embeddingDim: number;
  load(payload: Pick<ContentGraphPayload, 'postId' | 'authorId' | 'text' | 'topic'>): LoadResult;
}

/**
 * Content from the event when it has text, else from the synthetic world (the "post store" of this
 * repository). A post the world does not know, or whose author differs from the event's, means the
 * workers run against another world than the publisher (WORLD_SCALE/WORLD_SEED vs publish-world's --scale/--seed).
 */
export class WorldContentSource implements ContentSource {
  readonly version: string;
  readonly embeddingDim: number;

  constructor(private readonly _world: World) {
    this.version = _world.version;
    this.embeddingDim = _world.config.embeddingDim;
  }

  load(payload: Pick<ContentGraphPayload, 'postId' | 'authorId' | 'text' | 'topic'>): LoadResult {
    const { postId, authorId } = payload;
    if (payload.text !== undefined) {
      return {
        ok: true,
        post: { postId, authorId, text: payload.text, topic: payload.topic ?? '', source: 'event' },
      };
    }
    const post = this._world.posts.get(postId);
    if (post === undefined) {
      return { ok: false, reason: 'post_not_found' };
    }
    if (post.authorId !== authorId) {
      return { ok: false, reason: 'author_mismatch' };
    }
    return {
      ok: true,
      post: { postId, authorId, text: post.text, topic: topicName(post.topic), source: 'world' },
    };
  }
}
