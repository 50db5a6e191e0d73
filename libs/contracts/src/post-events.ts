import { z } from 'zod';

/**
 * Post events on Redis Streams: the Kafka role of x-algorithm's Thunder. The publisher (`foryou
 * publish-world`) writes them and Thunder consumes them; both use only this file, so the wire format
 * has one definition.
 *
 * Wire format: one stream entry per event, on stream `postEventStreamKey(prefix, partition)`, where
 * partition = `postEventPartition(author_id, N)`. All events of one post therefore share a partition,
 * and Redis keeps their order within it. Every field value is a string:
 *
 * | field             | meaning                                                                     |
 * | ----------------- | --------------------------------------------------------------------------- |
 * | `schema_version`  | `"1"`                                                                       |
 * | `event_id`        | unique per event; a redelivery or duplicate publish reuses it               |
 * | `type`            | `create`, `update` or `delete`                                              |
 * | `post_id`         | the post                                                                    |
 * | `author_id`       | the post's author (never changes for a post; it selects the partition)      |
 * | `version`         | per-post version, >= 1, strictly increasing in the producer's history       |
 * | `event_time_ms`   | content-frame time (the world's timeline); for a create, `created_at_ms`    |
 * | `published_at_ms` | wall clock when published (for freshness SLIs only, never for ordering)     |
 * | `payload`         | JSON `PostPayload` (snake_case); present for create/update, absent for delete |
 *
 * Producer contract: events carry the full post state (not deltas), so versions may have gaps; for a
 * post, a higher version never has an earlier `event_time_ms`.
 */
export const POST_EVENT_SCHEMA_VERSION = '1';
export const POST_EVENT_TYPES = ['create', 'update', 'delete'] as const;
export type PostEventType = (typeof POST_EVENT_TYPES)[number];
export const POST_KINDS = ['original', 'reply', 'repost', 'video'] as const;
export type PostEventKind = (typeof POST_KINDS)[number];
/** Partition counts outside 1..MAX are rejected (metric labels stay bounded). */
export const MAX_POST_EVENT_PARTITIONS = 1024;

/** Content of a create/update: the post's LightPost projection. */
export interface PostPayload {
  readonly kind: PostEventKind;
  readonly createdAtMs: number;
  /** Set iff kind is `reply`. */
  readonly replyToPostId?: string;
  /** Set iff kind is `repost`. */
  readonly repostOfPostId?: string;
  /** Required for `video`; optional for a `repost` of a video; absent otherwise. */
  readonly videoDurationMs?: number;
}

interface PostEventBase {
  readonly eventId: string;
  readonly postId: string;
  readonly authorId: string;
  readonly version: number;
  readonly eventTimeMs: number;
  readonly publishedAtMs: number;
}
export interface PostUpsertEvent extends PostEventBase {
  readonly type: 'create' | 'update';
  readonly payload: PostPayload;
}
export interface PostDeleteEvent extends PostEventBase {
  readonly type: 'delete';
}
/** A decoded, schema-valid post event. */
export type PostEvent = PostUpsertEvent | PostDeleteEvent;

const IdSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(128, 'must be at most 128 characters')
  .regex(/^[A-Za-z0-9_:.-]+$/, 'may only contain letters, digits, "_", ":", "." and "-"');
const Millis = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
/** A non-negative decimal integer sent as a string; parsed to a safe integer. */
const DecimalString = z
  .string()
  .regex(/^(0|[1-9][0-9]{0,15})$/, 'must be a non-negative decimal integer')
  .transform(Number)
  .pipe(Millis);

/** The JSON payload (snake_case on the wire). Unknown keys are rejected. */
export const PostPayloadSchema = z
  .object({
    kind: z.enum(POST_KINDS),
    created_at_ms: Millis,
    reply_to_post_id: IdSchema.optional(),
    repost_of_post_id: IdSchema.optional(),
    video_duration_ms: z.number().int().min(1).max(86_400_000).optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    const issue = (message: string) => ctx.addIssue({ code: 'custom', message });
    if ((p.kind === 'reply') !== (p.reply_to_post_id !== undefined)) {
      issue('reply_to_post_id is set iff kind is reply');
    }
    if ((p.kind === 'repost') !== (p.repost_of_post_id !== undefined)) {
      issue('repost_of_post_id is set iff kind is repost');
    }
    if (p.kind === 'video' && p.video_duration_ms === undefined) {
      issue('a video needs video_duration_ms');
    }
    if ((p.kind === 'original' || p.kind === 'reply') && p.video_duration_ms !== undefined) {
      issue('video_duration_ms is only for video posts and reposts of videos');
    }
  })
  .transform((p): PostPayload => ({
    kind: p.kind,
    createdAtMs: p.created_at_ms,
    ...(p.reply_to_post_id === undefined ? {} : { replyToPostId: p.reply_to_post_id }),
    ...(p.repost_of_post_id === undefined ? {} : { repostOfPostId: p.repost_of_post_id }),
    ...(p.video_duration_ms === undefined ? {} : { videoDurationMs: p.video_duration_ms }),
  }));

const PayloadJson = z
  .string()
  .max(4096, 'payload is too large')
  .transform((text, ctx): unknown => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'payload is not JSON' });
      return z.NEVER;
    }
  })
  .pipe(PostPayloadSchema);

/**
 * The fields of one stream entry → a `PostEvent`. Unknown fields are ignored (additive changes keep
 * schema version 1); everything else listed above is checked, including create ⇒ event_time_ms =
 * created_at_ms and update ⇒ event_time_ms >= created_at_ms.
 */
export const PostEventFieldsSchema = z
  .object({
    schema_version: z.literal(POST_EVENT_SCHEMA_VERSION, {
      error: `schema_version must be "${POST_EVENT_SCHEMA_VERSION}"`,
    }),
    event_id: IdSchema,
    type: z.enum(POST_EVENT_TYPES),
    post_id: IdSchema,
    author_id: IdSchema,
    version: DecimalString.pipe(Millis.min(1, 'version must be at least 1')),
    event_time_ms: DecimalString,
    published_at_ms: DecimalString,
    payload: PayloadJson.optional(),
  })
  .superRefine((f, ctx) => {
    const issue = (message: string) => ctx.addIssue({ code: 'custom', message, path: ['payload'] });
    if (f.type === 'delete') {
      if (f.payload !== undefined) {
        issue('a delete carries no payload');
      }
    } else if (f.payload === undefined) {
      issue(`a ${f.type} needs a payload`);
    } else if (f.type === 'create' && f.event_time_ms !== f.payload.createdAtMs) {
      issue('a create has event_time_ms = payload.created_at_ms');
    } else if (f.type === 'update' && f.event_time_ms < f.payload.createdAtMs) {
      issue('an update cannot happen before the post was created');
    }
  })
  .transform((f): PostEvent => {
    const base = {
      eventId: f.event_id,
      postId: f.post_id,
      authorId: f.author_id,
      version: f.version,
      eventTimeMs: f.event_time_ms,
      publishedAtMs: f.published_at_ms,
    };
    // superRefine guarantees: payload present iff the type is not delete.
    return f.type === 'delete' || f.payload === undefined
      ? { ...base, type: 'delete' }
      : { ...base, type: f.type, payload: f.payload };
  });

export type PostEventDecodeResult =
  { readonly ok: true; readonly event: PostEvent } | { readonly ok: false; readonly reason: string };

/** Decodes one entry's fields; never throws. `reason` names the first offending field. */
export function decodePostEvent(fields: Readonly<Record<string, string>>): PostEventDecodeResult {
  const parsed = PostEventFieldsSchema.safeParse(fields);
  if (parsed.success) {
    return { ok: true, event: parsed.data };
  }
  const issue = parsed.error.issues[0];
  return { ok: false, reason: `${issue?.path.join('.') || 'entry'}: ${issue?.message ?? 'invalid'}` };
}

/** The payload's wire JSON, keys in a fixed order (so equal payloads encode to equal strings). */
export function encodePostPayload(p: PostPayload): string {
  return JSON.stringify({
    kind: p.kind,
    created_at_ms: p.createdAtMs,
    reply_to_post_id: p.replyToPostId,
    repost_of_post_id: p.repostOfPostId,
    video_duration_ms: p.videoDurationMs,
  });
}

/** The entry's fields as XADD arguments: `[field, value, field, value, …]` in a fixed order. */
export function encodePostEvent(e: PostEvent): string[] {
  const fields = [
    'schema_version',
    POST_EVENT_SCHEMA_VERSION,
    'event_id',
    e.eventId,
    'type',
    e.type,
    'post_id',
    e.postId,
    'author_id',
    e.authorId,
    'version',
    String(e.version),
    'event_time_ms',
    String(e.eventTimeMs),
    'published_at_ms',
    String(e.publishedAtMs),
  ];
  if (e.type !== 'delete') {
    fields.push('payload', encodePostPayload(e.payload));
  }
  return fields;
}

/**
 * The partition of an author's events: FNV-1a (32-bit) of the UTF-8 author id, mod `partitions`.
 * Stable across processes, versions and platforms (golden vectors in Thunder's tests).
 */
export function postEventPartition(authorId: string, partitions: number): number {
  if (!Number.isInteger(partitions) || partitions < 1 || partitions > MAX_POST_EVENT_PARTITIONS) {
    throw new RangeError(`partitions must be an integer in [1, ${MAX_POST_EVENT_PARTITIONS}]`);
  }
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(authorId, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % partitions;
}

/** The stream of one partition, e.g. `foryou:thunder:posts:3`. */
export function postEventStreamKey(prefix: string, partition: number): string {
  return `${prefix}thunder:posts:${partition}`;
}

/**
 * A string key naming the current incarnation of the streams. Whoever deletes the streams (`publish-world
 * --reset`) writes a new value; Thunder stores the value in its snapshots and ignores a snapshot whose
 * epoch differs (its offsets would point into streams that no longer exist).
 */
export function postEventEpochKey(prefix: string): string {
  return `${prefix}thunder:epoch`;
}
