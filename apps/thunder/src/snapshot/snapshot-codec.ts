import { createHash } from 'node:crypto';
import { postEventPartition, POST_KINDS, type PostPayload } from '@foryou/contracts';
import { z } from 'zod';
import type { PostStoreOptions, StoredPost, StoreState, Tombstone } from '../store/types';

export const SNAPSHOT_FORMAT = 'foryou-thunder-snapshot';
/** Bumped on any change to the body layout; a snapshot of another version is refused. */
export const SNAPSHOT_SCHEMA_VERSION = 1;

/** Where a snapshot comes from; a restore uses it only if all of this matches the running process. */
export interface SnapshotMeta {
  /** The streams' epoch (see postEventEpochKey) the offsets refer to. */
  readonly epoch: string;
  readonly streamPrefix: string;
  readonly writtenAtMs: number;
  readonly options: PostStoreOptions;
}

export interface Snapshot {
  readonly meta: SnapshotMeta;
  readonly state: StoreState;
}

export type SnapshotRejection = 'malformed' | 'schema_mismatch' | 'checksum_mismatch';
export type DecodedSnapshot =
  | { readonly ok: true; readonly snapshot: Snapshot }
  | { readonly ok: false; readonly reason: SnapshotRejection; readonly detail: string };

const HeaderSchema = z.object({
  format: z.literal(SNAPSHOT_FORMAT),
  schema_version: z.number().int(),
  body_sha256: z.string().regex(/^[0-9a-f]{64}$/),
  body_bytes: z.number().int().min(0),
});

const Id = z.string().min(1).max(128);
const Ms = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const Count = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);

/** [post_id, author_id, version, event_type, event_time_ms, kind, created_at_ms, reply_to, repost_of, video_ms] */
const PostRow = z.tuple([
  Id,
  Id,
  Count,
  z.enum(['create', 'update']),
  Ms,
  z.enum(POST_KINDS),
  Ms,
  Id.nullable(),
  Id.nullable(),
  Count.nullable(),
]);
/** [post_id, author_id, version, deleted_at_ms] */
const TombstoneRow = z.tuple([Id, Id, Count, Ms]);

const BodySchema = z.object({
  meta: z.object({
    epoch: z.string(),
    stream_prefix: z.string(),
    written_at_ms: Ms,
    options: z.object({
      partitions: Count,
      retention_ms: Ms,
      allowed_lateness_ms: Ms,
      max_posts_per_author: Count,
      dedupe_ids_per_partition: Ms,
    }),
  }),
  partitions: z.array(
    z.object({
      offset: z.string(),
      consumed: Ms,
      watermark_ms: Ms.nullable(),
      recent_event_ids: z.array(Id),
    }),
  ),
  posts: z.array(PostRow),
  tombstones: z.array(TombstoneRow),
});
type Body = z.infer<typeof BodySchema>;

function toBody(s: Snapshot): Body {
  const o = s.meta.options;
  return {
    meta: {
      epoch: s.meta.epoch,
      stream_prefix: s.meta.streamPrefix,
      written_at_ms: s.meta.writtenAtMs,
      options: {
        partitions: o.partitions,
        retention_ms: o.retentionMs,
        allowed_lateness_ms: o.allowedLatenessMs,
        max_posts_per_author: o.maxPostsPerAuthor,
        dedupe_ids_per_partition: o.dedupeIdsPerPartition,
      },
    },
    partitions: s.state.partitions.map((p) => ({
      offset: p.offset,
      consumed: p.consumed,
      watermark_ms: p.watermarkMs,
      recent_event_ids: [...p.recentEventIds],
    })),
    posts: s.state.posts.map((p) => [
      p.postId,
      p.authorId,
      p.version,
      p.eventType,
      p.eventTimeMs,
      p.payload.kind,
      p.payload.createdAtMs,
      p.payload.replyToPostId ?? null,
      p.payload.repostOfPostId ?? null,
      p.payload.videoDurationMs ?? null,
    ]),
    tombstones: s.state.tombstones.map((t) => [t.postId, t.authorId, t.version, t.deletedAtMs]),
  };
}

function fromBody(b: Body): Snapshot {
  const o = b.meta.options;
  const partitionOf = (authorId: string) => postEventPartition(authorId, o.partitions);
  return {
    meta: {
      epoch: b.meta.epoch,
      streamPrefix: b.meta.stream_prefix,
      writtenAtMs: b.meta.written_at_ms,
      options: {
        partitions: o.partitions,
        retentionMs: o.retention_ms,
        allowedLatenessMs: o.allowed_lateness_ms,
        maxPostsPerAuthor: o.max_posts_per_author,
        dedupeIdsPerPartition: o.dedupe_ids_per_partition,
      },
    },
    state: {
      partitions: b.partitions.map((p) => ({
        offset: p.offset,
        consumed: p.consumed,
        watermarkMs: p.watermark_ms,
        recentEventIds: p.recent_event_ids,
      })),
      posts: b.posts.map(
        ([postId, authorId, version, eventType, eventTimeMs, kind, createdAtMs, r, q, v]) => {
          const payload: PostPayload = {
            kind,
            createdAtMs,
            ...(r === null ? {} : { replyToPostId: r }),
            ...(q === null ? {} : { repostOfPostId: q }),
            ...(v === null ? {} : { videoDurationMs: v }),
          };
          const post: StoredPost = {
            postId,
            authorId,
            partition: partitionOf(authorId),
            payload,
            version,
            eventType,
            eventTimeMs,
          };
          return post;
        },
      ),
      tombstones: b.tombstones.map(([postId, authorId, version, deletedAtMs]): Tombstone => ({
        postId,
        authorId,
        partition: partitionOf(authorId),
        version,
        deletedAtMs,
      })),
    },
  };
}

/**
 * `<header JSON>\n<body JSON>`: the header names the format, the schema version and the body's
 * sha256 and length, so a torn, truncated or altered file is detected before any of it is used.
 */
export function encodeSnapshot(snapshot: Snapshot): Buffer {
  const body = Buffer.from(JSON.stringify(toBody(snapshot)), 'utf8');
  const header = {
    format: SNAPSHOT_FORMAT,
    schema_version: SNAPSHOT_SCHEMA_VERSION,
    body_sha256: createHash('sha256').update(body).digest('hex'),
    body_bytes: body.length,
  };
  return Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`, 'utf8'), body]);
}

/** Verifies format, schema version, length and checksum, then the body's shape. Never throws. */
export function decodeSnapshot(bytes: Buffer): DecodedSnapshot {
  const newline = bytes.indexOf(0x0a);
  if (newline < 0) {
    return { ok: false, reason: 'malformed', detail: 'no header line' };
  }
  let header: z.infer<typeof HeaderSchema>;
  try {
    header = HeaderSchema.parse(JSON.parse(bytes.subarray(0, newline).toString('utf8')));
  } catch {
    return { ok: false, reason: 'malformed', detail: 'unreadable header' };
  }
  if (header.schema_version !== SNAPSHOT_SCHEMA_VERSION) {
    const detail = `schema ${header.schema_version}, expected ${SNAPSHOT_SCHEMA_VERSION}`;
    return { ok: false, reason: 'schema_mismatch', detail };
  }
  const body = bytes.subarray(newline + 1);
  if (body.length !== header.body_bytes) {
    const detail = `body has ${body.length} bytes, header says ${header.body_bytes}`;
    return { ok: false, reason: 'checksum_mismatch', detail };
  }
  if (createHash('sha256').update(body).digest('hex') !== header.body_sha256) {
    return { ok: false, reason: 'checksum_mismatch', detail: 'body sha256 differs from the header' };
  }
  let parsed: Body;
  try {
    parsed = BodySchema.parse(JSON.parse(body.toString('utf8')));
  } catch (err) {
    return {
      ok: false,
      reason: 'malformed',
      detail: err instanceof Error ? err.message.slice(0, 200) : 'body',
    };
  }
  return { ok: true, snapshot: fromBody(parsed) };
}

export type Incompatibility = 'epoch_changed' | 'prefix_changed' | 'options_changed';

/** Why a valid snapshot cannot seed this process, or undefined when it can. */
export function incompatibility(
  meta: SnapshotMeta,
  expected: Omit<SnapshotMeta, 'writtenAtMs'>,
): Incompatibility | undefined {
  if (meta.streamPrefix !== expected.streamPrefix) {
    return 'prefix_changed';
  }
  const a = meta.options;
  const b = expected.options;
  if (
    a.partitions !== b.partitions ||
    a.retentionMs !== b.retentionMs ||
    a.allowedLatenessMs !== b.allowedLatenessMs ||
    a.maxPostsPerAuthor !== b.maxPostsPerAuthor ||
    a.dedupeIdsPerPartition !== b.dedupeIdsPerPartition
  ) {
    return 'options_changed';
  }
  return meta.epoch === expected.epoch ? undefined : 'epoch_changed';
}
