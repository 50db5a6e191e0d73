import type { PostEventType, PostPayload } from '@foryou/contracts';

/** Behaviour knobs of the store. They shape its state, so snapshots record them and must match. */
export interface PostStoreOptions {
  /** Number of stream partitions; events are routed by `postEventPartition(author_id, partitions)`. */
  readonly partitions: number;
  /** Posts created more than this before their partition's watermark are expired (content time). */
  readonly retentionMs: number;
  /**
   * How late (content time, behind the partition's watermark) an event may still arrive. Tombstones
   * live this long past their delete; a create/update for an unknown post that is later than this is
   * rejected as `too_late`, so an expired tombstone can never let a deleted post come back.
   */
  readonly allowedLatenessMs: number;
  /** At most this many posts per author in each of the original and secondary timelines. */
  readonly maxPostsPerAuthor: number;
  /** Event ids remembered per partition for duplicate detection (see DedupeWindow). */
  readonly dedupeIdsPerPartition: number;
}

/** A live post: its LightPost projection plus what the state machine needs to order events. */
export interface StoredPost {
  readonly postId: string;
  readonly authorId: string;
  readonly partition: number;
  readonly payload: PostPayload;
  readonly version: number;
  /** Type and content time of the event that set `version` (part of its fingerprint). */
  readonly eventType: 'create' | 'update';
  readonly eventTimeMs: number;
}

/** What a delete leaves behind: it blocks every event of the post with version <= `version`. */
export interface Tombstone {
  readonly postId: string;
  readonly authorId: string;
  readonly partition: number;
  readonly version: number;
  /** Content time of the delete; the tombstone expires once the watermark passes it by the lateness. */
  readonly deletedAtMs: number;
}

export const APPLY_RESULT_KINDS = ['applied', 'duplicate', 'stale', 'tombstoned', 'fork', 'invalid'] as const;
export type ApplyResultKind = (typeof APPLY_RESULT_KINDS)[number];

export type DuplicateReason = 'event_id' | 'same_version' | 'offset';
export type StaleReason = 'older_version' | 'out_of_retention' | 'too_late' | 'author_cap';
export type InvalidReason = 'misrouted' | 'author_changed' | 'payload_changed' | 'schema';
/** Every reason label, for metrics (a bounded set). */
export const APPLY_REASONS = [
  'event_id',
  'same_version',
  'offset',
  'older_version',
  'out_of_retention',
  'too_late',
  'author_cap',
  'misrouted',
  'author_changed',
  'payload_changed',
  'schema',
] as const;

/**
 * The outcome of applying one event. Only `applied` changes posts or tombstones; every other result
 * leaves them as they were (the event id is still remembered and the watermark may advance).
 */
export type ApplyResult =
  | { readonly kind: 'applied'; readonly effect: 'inserted' | 'updated' | 'deleted' }
  | { readonly kind: 'duplicate'; readonly reason: DuplicateReason }
  | { readonly kind: 'stale'; readonly reason: StaleReason }
  | { readonly kind: 'tombstoned'; readonly deletedVersion: number }
  /** Same (post, version) as the current record with different content: the first one is kept. */
  | { readonly kind: 'fork'; readonly version: number; readonly kept: string; readonly rejected: string }
  | { readonly kind: 'invalid'; readonly reason: InvalidReason };

/** The reason label of a result (bounded), or undefined for applied/tombstoned/fork. */
export function resultReason(r: ApplyResult): (typeof APPLY_REASONS)[number] | undefined {
  return r.kind === 'duplicate' || r.kind === 'stale' || r.kind === 'invalid' ? r.reason : undefined;
}

export type CountedEventType = PostEventType | 'unknown';

/** Per partition: consumed log position, content-time watermark and recent event ids. */
export interface PartitionState {
  /** Last consumed entry id (applied or skipped); the next read starts after it. */
  readonly offset: string;
  /** Entries consumed so far (applied or skipped); with the stream's entries-added it gives lag. */
  readonly consumed: number;
  /** Max event_time_ms of any valid event seen on this partition; null before the first. */
  readonly watermarkMs: number | null;
  /** DedupeWindow contents, oldest first. */
  readonly recentEventIds: readonly string[];
}

/** Everything the store knows, as plain data: what snapshots carry and digests cover. */
export interface StoreState {
  readonly partitions: readonly PartitionState[];
  readonly posts: readonly StoredPost[];
  readonly tombstones: readonly Tombstone[];
}

export interface StoreStats {
  readonly activePosts: number;
  readonly tombstones: number;
  readonly authors: number;
  /** Max watermark over partitions (content ms), or null when no event was seen. */
  readonly watermarkMs: number | null;
}
