import {
  encodePostPayload,
  postEventPartition,
  type PostEvent,
  type PostPayload,
  type PostUpsertEvent,
} from '@foryou/contracts';
import { DedupeWindow } from './dedupe-window';
import { type AuthorTimelines, LivePosts } from './live-posts';
import { compareStreamIds, isStreamId, STREAM_START_ID, type StreamPosition } from './stream-id';
import type {
  ApplyResult,
  CountedEventType,
  PartitionState,
  PostStoreOptions,
  StoredPost,
  StoreState,
  StoreStats,
  Tombstone,
} from './types';

export type { AuthorTimelines, ReadonlyTimeline } from './live-posts';
export { isVideoPost } from './live-posts';

interface PartitionRuntime {
  offset: string;
  consumed: number;
  /** -Infinity until the first valid event. */
  watermarkMs: number;
  readonly dedupe: DedupeWindow;
}

/** A snapshot's state contradicts the store's invariants or options; it must not be served. */
export class StoreStateError extends Error {
  override readonly name = 'StoreStateError';
}

/** What two events with the same (post, version) must agree on, or they are a producer fork. */
export function fingerprint(type: PostEvent['type'], eventTimeMs: number, payload?: PostPayload): string {
  return `${type}|${eventTimeMs}|${payload === undefined ? '' : encodePostPayload(payload)}`;
}

const DUP_EVENT_ID = { kind: 'duplicate', reason: 'event_id' } as const;
const DUP_SAME_VERSION = { kind: 'duplicate', reason: 'same_version' } as const;
const DUP_OFFSET = { kind: 'duplicate', reason: 'offset' } as const;
const STALE_OLDER = { kind: 'stale', reason: 'older_version' } as const;
const STALE_RETENTION = { kind: 'stale', reason: 'out_of_retention' } as const;
const STALE_TOO_LATE = { kind: 'stale', reason: 'too_late' } as const;
const STALE_CAP = { kind: 'stale', reason: 'author_cap' } as const;
const INSERTED = { kind: 'applied', effect: 'inserted' } as const;
const UPDATED = { kind: 'applied', effect: 'updated' } as const;
const DELETED = { kind: 'applied', effect: 'deleted' } as const;

/**
 * Thunder's in-network post store: a pure, synchronous, versioned state machine (book 4.1/4.2).
 *
 * Rules, in the order `apply` checks them (W = the event's partition watermark, R = retention,
 * L = allowed lateness):
 * 1. an entry at or before the partition's consumed offset → duplicate(offset); from a partition the
 *    author does not hash to → invalid(misrouted);
 * 2. an event id among the partition's recent ids → duplicate(event_id);
 * 3. W := max(W, event_time); a create/update of a post created before W − R → stale(out_of_retention);
 * 4. against the live record: lower version → stale(older_version); same version → duplicate(same_version)
 *    if the fingerprint matches, else fork (first kept); higher: delete → tombstone, update → new version
 *    (the payload is immutable: a different one is invalid(payload_changed));
 * 5. against a tombstone: version <= its version → tombstoned (or same-version duplicate/fork);
 *    higher → the event applies (a newer create/update revives the post, a newer delete moves it);
 * 6. unknown post: an event later than L behind W → stale(too_late); else delete → tombstone,
 *    create/update → insert, unless the author's timeline is full of newer posts → stale(author_cap).
 *
 * Everything a decision reads (watermark, recent ids, records) belongs to the event's partition, and
 * logically expired records (posts before W − R, tombstones more than L behind W) count as absent
 * whether or not `trim()` has reclaimed them yet. Hence the state after a partition's log prefix does
 * not depend on how partitions interleave or when trims run, and snapshot + replay ≡ one run.
 */
export class PostStore {
  private readonly _live = new LivePosts();
  private readonly _tombstones = new Map<string, Tombstone>();
  private readonly _parts: PartitionRuntime[];
  private readonly _counts = new Map<string, number>();
  private _revision = 0;

  constructor(
    readonly options: PostStoreOptions,
    state?: StoreState,
  ) {
    this._parts = Array.from({ length: options.partitions }, () => ({
      offset: STREAM_START_ID,
      consumed: 0,
      watermarkMs: -Infinity,
      dedupe: new DedupeWindow(options.dedupeIdsPerPartition),
    }));
    if (state !== undefined) {
      this._load(state);
    }
  }

  /** Changes on every state change (posts, tombstones, offsets, watermarks, recent ids). */
  get revision(): number {
    return this._revision;
  }

  partitionOf(authorId: string): number {
    return postEventPartition(authorId, this.options.partitions);
  }

  /**
   * Applies one event, optionally consumed from stream position `at` (which then becomes the
   * partition's offset). Never throws for any schema-valid event.
   */
  apply(event: PostEvent, at?: StreamPosition): ApplyResult {
    const p = this.partitionOf(event.authorId);
    let result: ApplyResult;
    if (at === undefined) {
      result = this._decide(event, p);
    } else if (!this._consume(at)) {
      result = DUP_OFFSET;
    } else {
      result = at.partition === p ? this._decide(event, p) : { kind: 'invalid', reason: 'misrouted' };
    }
    this._count(event.type, result.kind);
    return result;
  }

  /** Consumes an entry that could not be decoded: invalid(schema), or duplicate(offset) if already consumed. */
  skip(at: StreamPosition, type: CountedEventType): ApplyResult {
    const result: ApplyResult = this._consume(at) ? { kind: 'invalid', reason: 'schema' } : DUP_OFFSET;
    this._count(type, result.kind);
    return result;
  }

  /** The live post, unless absent, deleted or past retention. */
  livePost(postId: string): StoredPost | undefined {
    const post = this._live.get(postId);
    return post !== undefined && !this._postExpired(post) ? post : undefined;
  }

  /** True while an unexpired tombstone exists for the post. */
  isDeleted(postId: string): boolean {
    const tomb = this._tombstones.get(postId);
    return tomb !== undefined && !this._tombExpired(tomb);
  }

  timelines(authorId: string): AuthorTimelines | undefined {
    return this._live.timelines(authorId);
  }

  /** Posts created before this (content ms) are expired on `partition`. */
  retentionThresholdMs(partition: number): number {
    return this._part(partition).watermarkMs - this.options.retentionMs;
  }

  offsets(): string[] {
    return this._parts.map((part) => part.offset);
  }

  consumed(): number[] {
    return this._parts.map((part) => part.consumed);
  }

  stats(): StoreStats {
    const marks = this._parts.map((part) => part.watermarkMs);
    const max = Math.max(...marks);
    return {
      activePosts: this._live.size,
      tombstones: this._tombstones.size,
      authors: this._live.authorCount,
      watermarkMs: Number.isFinite(max) ? max : null,
    };
  }

  /** Results so far, keyed `${type}:${kind}` (not state: snapshots do not carry them). */
  counts(): Record<string, number> {
    return Object.fromEntries(this._counts);
  }

  /** Reclaims expired posts and tombstones. Never changes what reads or later decisions see. */
  trim(): { posts: number; tombstones: number } {
    const posts = this._live.removeOlderThan((partition) => this.retentionThresholdMs(partition));
    let tombstones = 0;
    for (const tomb of this._tombstones.values()) {
      if (this._tombExpired(tomb)) {
        this._tombstones.delete(tomb.postId);
        tombstones++;
      }
    }
    return { posts, tombstones };
  }

  exportState(): StoreState {
    return {
      partitions: this._parts.map((part): PartitionState => ({
        offset: part.offset,
        consumed: part.consumed,
        watermarkMs: Number.isFinite(part.watermarkMs) ? part.watermarkMs : null,
        recentEventIds: part.dedupe.toArray(),
      })),
      posts: [...this._live.values()],
      tombstones: [...this._tombstones.values()],
    };
  }

  private _decide(e: PostEvent, p: number): ApplyResult {
    const part = this._parts[p]!;
    if (part.dedupe.has(e.eventId)) {
      return DUP_EVENT_ID;
    }
    part.dedupe.add(e.eventId);
    part.watermarkMs = Math.max(part.watermarkMs, e.eventTimeMs);
    this._revision++;
    if (e.type !== 'delete' && e.payload.createdAtMs < part.watermarkMs - this.options.retentionMs) {
      return STALE_RETENTION;
    }
    // Only a same-version conflict needs the fingerprint; most events never build it.
    const fp = () => fingerprint(e.type, e.eventTimeMs, e.type === 'delete' ? undefined : e.payload);
    const live = this._live.get(e.postId);
    if (live !== undefined && !this._expirePost(live)) {
      if (live.authorId !== e.authorId) {
        return { kind: 'invalid', reason: 'author_changed' };
      }
      if (e.version !== live.version) {
        return e.version < live.version ? STALE_OLDER : this._supersede(live, e);
      }
      const [kept, got] = [fingerprint(live.eventType, live.eventTimeMs, live.payload), fp()];
      return kept === got ? DUP_SAME_VERSION : { kind: 'fork', version: e.version, kept, rejected: got };
    }
    const tomb = this._tombstones.get(e.postId);
    if (tomb !== undefined && !this._expireTombstone(tomb)) {
      if (tomb.authorId !== e.authorId) {
        return { kind: 'invalid', reason: 'author_changed' };
      }
      if (e.version === tomb.version) {
        const [kept, got] = [fingerprint('delete', tomb.deletedAtMs), fp()];
        return kept === got ? DUP_SAME_VERSION : { kind: 'fork', version: e.version, kept, rejected: got };
      }
      if (e.version < tomb.version) {
        return { kind: 'tombstoned', deletedVersion: tomb.version };
      }
    } else if (e.eventTimeMs < part.watermarkMs - this.options.allowedLatenessMs) {
      return STALE_TOO_LATE;
    }
    if (e.type === 'delete') {
      this._tombstones.set(e.postId, this._tombstoneOf(e, p));
      return DELETED;
    }
    const result = this._insert(e, p);
    if (result === INSERTED) {
      this._tombstones.delete(e.postId);
    }
    return result;
  }

  /** A higher version for a live post: a delete replaces it by a tombstone, an update bumps it. */
  private _supersede(live: StoredPost, e: PostEvent): ApplyResult {
    if (e.type === 'delete') {
      this._live.remove(live);
      this._tombstones.set(e.postId, this._tombstoneOf(e, live.partition));
      return DELETED;
    }
    if (encodePostPayload(e.payload) !== encodePostPayload(live.payload)) {
      return { kind: 'invalid', reason: 'payload_changed' };
    }
    this._live.update({ ...live, version: e.version, eventType: e.type, eventTimeMs: e.eventTimeMs });
    return UPDATED;
  }

  private _insert(e: PostUpsertEvent, p: number): ApplyResult {
    const post: StoredPost = {
      postId: e.postId,
      authorId: e.authorId,
      partition: p,
      payload: e.payload,
      version: e.version,
      eventType: e.type,
      eventTimeMs: e.eventTimeMs,
    };
    const inserted = this._live.insert(post, this.retentionThresholdMs(p), this.options.maxPostsPerAuthor);
    return inserted ? INSERTED : STALE_CAP;
  }

  private _tombstoneOf(e: PostEvent, partition: number): Tombstone {
    return {
      postId: e.postId,
      authorId: e.authorId,
      partition,
      version: e.version,
      deletedAtMs: e.eventTimeMs,
    };
  }

  private _postExpired(post: StoredPost): boolean {
    return post.payload.createdAtMs < this.retentionThresholdMs(post.partition);
  }

  private _tombExpired(tomb: Tombstone): boolean {
    return this._part(tomb.partition).watermarkMs - tomb.deletedAtMs > this.options.allowedLatenessMs;
  }

  /** Reclaims the post if it is expired; true if it was. */
  private _expirePost(post: StoredPost): boolean {
    if (!this._postExpired(post)) {
      return false;
    }
    this._live.remove(post);
    return true;
  }

  private _expireTombstone(tomb: Tombstone): boolean {
    if (!this._tombExpired(tomb)) {
      return false;
    }
    this._tombstones.delete(tomb.postId);
    return true;
  }

  /** Advances the partition's offset to `at`; false if `at` was already consumed. */
  private _consume(at: StreamPosition): boolean {
    const part = this._part(at.partition);
    if (compareStreamIds(at.entryId, part.offset) <= 0) {
      return false;
    }
    part.offset = at.entryId;
    part.consumed++;
    this._revision++;
    return true;
  }

  private _part(partition: number): PartitionRuntime {
    const part = this._parts[partition];
    if (part === undefined) {
      throw new RangeError(`partition ${partition} is outside [0, ${this._parts.length})`);
    }
    return part;
  }

  private _count(type: CountedEventType, kind: ApplyResult['kind']): void {
    const key = `${type}:${kind}`;
    this._counts.set(key, (this._counts.get(key) ?? 0) + 1);
  }

  /** Rebuilds from exported state, checking every invariant the store relies on. */
  private _load(state: StoreState): void {
    const fail = (message: string): never => {
      throw new StoreStateError(message);
    };
    if (state.partitions.length !== this._parts.length) {
      fail(`state has ${state.partitions.length} partitions, the store ${this._parts.length}`);
    }
    state.partitions.forEach((saved, p) => {
      const part = this._parts[p]!;
      if (!isStreamId(saved.offset) || !Number.isSafeInteger(saved.consumed) || saved.consumed < 0) {
        fail(`partition ${p} has a malformed offset or count`);
      }
      part.offset = saved.offset;
      part.consumed = saved.consumed;
      part.watermarkMs = saved.watermarkMs ?? -Infinity;
      saved.recentEventIds.slice(-this.options.dedupeIdsPerPartition).forEach((id) => part.dedupe.add(id));
    });
    for (const tomb of state.tombstones) {
      if (tomb.partition !== this.partitionOf(tomb.authorId) || this._tombstones.has(tomb.postId)) {
        fail(`tombstone ${tomb.postId} is misrouted or repeated`);
      }
      this._tombstones.set(tomb.postId, tomb);
    }
    for (const post of state.posts) {
      if (post.partition !== this.partitionOf(post.authorId)) {
        fail(`post ${post.postId} is on the wrong partition`);
      }
      if (this._live.has(post.postId) || this._tombstones.has(post.postId)) {
        fail(`post ${post.postId} is repeated or both live and deleted`);
      }
      if (!this._live.restore(post, this.options.maxPostsPerAuthor)) {
        fail(`author ${post.authorId} holds more posts than the cap`);
      }
    }
  }
}
