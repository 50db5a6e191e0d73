import type { TimelineEntry } from '../store/author-timeline';
import type { PostStore } from '../store/post-store';
import type { StoredPost } from '../store/types';

/** The store reads a scan needs (all of them apply logical expiry). */
export type InNetworkReader = Pick<
  PostStore,
  'timelines' | 'livePost' | 'isDeleted' | 'retentionThresholdMs'
>;

/** A validated GetInNetworkPosts request. */
export interface InNetworkRequest {
  readonly viewerId: string;
  /** Followed authors, without repeats, in the order they are scanned. */
  readonly authorIds: readonly string[];
  readonly excludePostIds: ReadonlySet<string>;
  readonly maxPerAuthor: number;
  readonly maxResults: number;
  /** Posts created before this (content ms) are not returned. */
  readonly notBeforeMs: number;
}

/** Newest first: by created_at, then post id (both descending). */
export function newestFirst(a: { createdAtMs: number; postId: string }, b: typeof a): number {
  return b.createdAtMs - a.createdAtMs || (a.postId < b.postId ? 1 : a.postId > b.postId ? -1 : 0);
}

const byRecency = (a: StoredPost, b: StoredPost) =>
  newestFirst(
    { createdAtMs: a.payload.createdAtMs, postId: a.postId },
    { createdAtMs: b.payload.createdAtMs, postId: b.postId },
  );

/**
 * The in-network candidate scan of x-algorithm's Thunder, one author at a time so the caller can stop
 * between authors (deadline) and yield to the event loop. Per author, newest first over originals and
 * secondary posts together, at most `scanCapPerAuthor` posts are examined and `maxPerAuthor` kept:
 * - stop at the first post created before max(not_before_ms, the retention threshold);
 * - skip excluded posts (already served);
 * - replies only when the replied-to post is live in this store (x-algorithm also admits some replies
 *   in a followed user's thread; that needs conversation data we do not have);
 * - drop reposts of a deleted post and reposts of the viewer's own posts (when the reposted post is in
 *   the store; an unknown original's author is unknown, so such reposts are kept).
 * `result()` merges everything kept by recency and takes `maxResults`.
 */
export class InNetworkScan {
  private _next = 0;
  private _kept: StoredPost[] = [];

  constructor(
    private readonly _store: InNetworkReader,
    private readonly _request: InNetworkRequest,
    private readonly _scanCapPerAuthor: number,
  ) {}

  get authorsScanned(): number {
    return this._next;
  }

  get done(): boolean {
    return this._next >= this._request.authorIds.length;
  }

  scanNextAuthor(): void {
    const authorId = this._request.authorIds[this._next++];
    const tl = authorId === undefined ? undefined : this._store.timelines(authorId);
    if (tl === undefined) {
      return;
    }
    const req = this._request;
    const cutoff = Math.max(req.notBeforeMs, this._store.retentionThresholdMs(tl.partition));
    let i = 0;
    let j = 0;
    let kept = 0;
    for (let scanned = 0; scanned < this._scanCapPerAuthor && kept < req.maxPerAuthor; scanned++) {
      const a = tl.original.fromNewest(i);
      const b = tl.secondary.fromNewest(j);
      let entry: TimelineEntry;
      if (a !== undefined && (b === undefined || newestFirst(a, b) <= 0)) {
        entry = a;
        i++;
      } else if (b !== undefined) {
        entry = b;
        j++;
      } else {
        break;
      }
      if (entry.createdAtMs < cutoff) {
        break;
      }
      const post = req.excludePostIds.has(entry.postId) ? undefined : this._store.livePost(entry.postId);
      if (post !== undefined && this._eligible(post)) {
        this._kept.push(post);
        kept++;
      }
    }
    if (this._kept.length > 2 * req.maxResults + 1024) {
      this._kept = this._kept.sort(byRecency).slice(0, req.maxResults);
    }
  }

  /** Everything kept so far, newest first, at most maxResults. */
  result(): StoredPost[] {
    return [...this._kept].sort(byRecency).slice(0, this._request.maxResults);
  }

  private _eligible(post: StoredPost): boolean {
    const { replyToPostId, repostOfPostId } = post.payload;
    if (replyToPostId !== undefined) {
      return this._store.livePost(replyToPostId) !== undefined;
    }
    if (repostOfPostId !== undefined) {
      if (this._store.isDeleted(repostOfPostId)) {
        return false;
      }
      return this._store.livePost(repostOfPostId)?.authorId !== this._request.viewerId;
    }
    return true;
  }
}
