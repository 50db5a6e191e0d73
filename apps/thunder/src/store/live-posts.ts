import type { PostPayload } from '@foryou/contracts';
import { AuthorTimeline, type TimelineEntry } from './author-timeline';
import type { StoredPost } from './types';

/** Read-only view of one author's timelines; entries are newest-first through `fromNewest(i)`. */
export interface ReadonlyTimeline {
  readonly size: number;
  fromNewest(i: number): TimelineEntry | undefined;
}
export interface AuthorTimelines {
  readonly partition: number;
  /** Originals and videos (kinds `original`, `video`). */
  readonly original: ReadonlyTimeline;
  /** Replies and reposts; disjoint from `original`. */
  readonly secondary: ReadonlyTimeline;
  /** Videos and reposts of videos (never replies): an extra index over the two above. */
  readonly video: ReadonlyTimeline;
}
interface MutableTimelines {
  readonly partition: number;
  readonly original: AuthorTimeline;
  readonly secondary: AuthorTimeline;
  readonly video: AuthorTimeline;
}

export function isVideoPost(p: PostPayload): boolean {
  return p.kind === 'video' || (p.kind === 'repost' && p.videoDurationMs !== undefined);
}

function mainTimelineOf(p: PostPayload): 'original' | 'secondary' {
  return p.kind === 'reply' || p.kind === 'repost' ? 'secondary' : 'original';
}

/**
 * The live post records and the per-author timelines that index them. A record is kept exactly while
 * its entry is in its author's main timeline (`original` or `secondary`); videos are in the `video`
 * timeline too; an author whose main timelines are both empty is forgotten. Which event inserts,
 * updates or removes what is PostStore's business; this keeps the three structures consistent.
 */
export class LivePosts {
  private readonly _posts = new Map<string, StoredPost>();
  private readonly _authors = new Map<string, MutableTimelines>();

  get size(): number {
    return this._posts.size;
  }

  get authorCount(): number {
    return this._authors.size;
  }

  /** The record, expired or not (PostStore decides what counts as live). */
  get(postId: string): StoredPost | undefined {
    return this._posts.get(postId);
  }

  has(postId: string): boolean {
    return this._posts.has(postId);
  }

  values(): IterableIterator<StoredPost> {
    return this._posts.values();
  }

  timelines(authorId: string): AuthorTimelines | undefined {
    return this._authors.get(authorId);
  }

  /**
   * Inserts a post that has no record: first reclaims the posts of its main timeline created before
   * `retentionThresholdMs`; then, if that timeline holds more than `maxPerAuthor`, its oldest post
   * goes. False (and nothing inserted) when that oldest post is the new one.
   */
  insert(post: StoredPost, retentionThresholdMs: number, maxPerAuthor: number): boolean {
    const tl = this._timelinesFor(post.authorId, post.partition);
    const main = tl[mainTimelineOf(post.payload)];
    for (const gone of main.removeOlderThan(retentionThresholdMs)) {
      this._dropRecord(gone.postId);
    }
    const entry: TimelineEntry = { createdAtMs: post.payload.createdAtMs, postId: post.postId };
    main.insert(entry);
    if (main.size > maxPerAuthor) {
      const oldest = main.oldest()!;
      main.remove(oldest);
      if (oldest.postId === post.postId) {
        this._dropAuthorIfEmpty(post.authorId, tl);
        return false;
      }
      this._dropRecord(oldest.postId);
    }
    if (isVideoPost(post.payload)) {
      tl.video.insert(entry);
    }
    this._posts.set(post.postId, post);
    return true;
  }

  /** Adds a post restored from a snapshot, as it is; false if its main timeline then exceeds `maxPerAuthor`. */
  restore(post: StoredPost, maxPerAuthor: number): boolean {
    const tl = this._timelinesFor(post.authorId, post.partition);
    const entry = { createdAtMs: post.payload.createdAtMs, postId: post.postId };
    const main = tl[mainTimelineOf(post.payload)];
    main.insert(entry);
    if (main.size > maxPerAuthor) {
      return false;
    }
    if (isVideoPost(post.payload)) {
      tl.video.insert(entry);
    }
    this._posts.set(post.postId, post);
    return true;
  }

  /** Replaces a live post's record by a newer version of it (same payload: the timelines stay as they are). */
  update(post: StoredPost): void {
    this._posts.set(post.postId, post);
  }

  /** Removes a live post from its author's timelines and forgets it. */
  remove(post: StoredPost): void {
    const tl = this._authors.get(post.authorId);
    if (tl !== undefined) {
      tl[mainTimelineOf(post.payload)].remove({ createdAtMs: post.payload.createdAtMs, postId: post.postId });
      this._dropRecord(post.postId);
      this._dropAuthorIfEmpty(post.authorId, tl);
    }
  }

  /** Removes every post created before its partition's `thresholdMs`; returns how many. */
  removeOlderThan(thresholdMs: (partition: number) => number): number {
    let posts = 0;
    for (const [authorId, tl] of this._authors) {
      const threshold = thresholdMs(tl.partition);
      for (const timeline of [tl.original, tl.secondary]) {
        for (const gone of timeline.removeOlderThan(threshold)) {
          this._dropRecord(gone.postId);
          posts++;
        }
      }
      this._dropAuthorIfEmpty(authorId, tl);
    }
    return posts;
  }

  /** Forgets a post already removed from its main timeline (and drops it from the video index). */
  private _dropRecord(postId: string): void {
    const post = this._posts.get(postId);
    if (post === undefined) {
      return;
    }
    if (isVideoPost(post.payload)) {
      this._authors.get(post.authorId)?.video.remove({ createdAtMs: post.payload.createdAtMs, postId });
    }
    this._posts.delete(postId);
  }

  private _timelinesFor(authorId: string, partition: number): MutableTimelines {
    let tl = this._authors.get(authorId);
    if (tl === undefined) {
      tl = {
        partition,
        original: new AuthorTimeline(),
        secondary: new AuthorTimeline(),
        video: new AuthorTimeline(),
      };
      this._authors.set(authorId, tl);
    }
    return tl;
  }

  private _dropAuthorIfEmpty(authorId: string, tl: MutableTimelines): void {
    if (tl.original.size === 0 && tl.secondary.size === 0) {
      this._authors.delete(authorId);
    }
  }
}
