import type { PostDeleteEvent, PostPayload, PostUpsertEvent } from '@foryou/contracts';
import type { PostStoreOptions } from '../types';

/** Store options for tests: one partition, small round numbers; override what a test is about. */
export function testOptions(overrides: Partial<PostStoreOptions> = {}): PostStoreOptions {
  return {
    partitions: 1,
    retentionMs: 1000,
    allowedLatenessMs: 100,
    maxPostsPerAuthor: 10,
    dedupeIdsPerPartition: 100,
    ...overrides,
  };
}

let counter = 0;
const nextId = () => `e${++counter}`;

export interface UpsertSpec {
  readonly version?: number;
  readonly createdAtMs: number;
  /** Defaults to createdAtMs for a create (the contract) and must be >= it for an update. */
  readonly eventTimeMs?: number;
  readonly kind?: PostPayload['kind'];
  readonly replyTo?: string;
  readonly repostOf?: string;
  readonly videoMs?: number;
  readonly eventId?: string;
}

export function payloadOf(spec: UpsertSpec): PostPayload {
  const kind = spec.kind ?? 'original';
  return {
    kind,
    createdAtMs: spec.createdAtMs,
    ...(kind === 'reply' ? { replyToPostId: spec.replyTo ?? 'missing' } : {}),
    ...(kind === 'repost' ? { repostOfPostId: spec.repostOf ?? 'missing' } : {}),
    ...(spec.videoMs !== undefined || kind === 'video' ? { videoDurationMs: spec.videoMs ?? 30_000 } : {}),
  };
}

export function createEvent(postId: string, authorId: string, spec: UpsertSpec): PostUpsertEvent {
  return {
    type: 'create',
    eventId: spec.eventId ?? nextId(),
    postId,
    authorId,
    version: spec.version ?? 1,
    eventTimeMs: spec.eventTimeMs ?? spec.createdAtMs,
    publishedAtMs: 0,
    payload: payloadOf(spec),
  };
}

export function updateEvent(
  postId: string,
  authorId: string,
  spec: UpsertSpec & { version: number; eventTimeMs: number },
): PostUpsertEvent {
  return { ...createEvent(postId, authorId, spec), type: 'update' };
}

export function deleteEvent(
  postId: string,
  authorId: string,
  spec: { version: number; eventTimeMs: number; eventId?: string },
): PostDeleteEvent {
  return {
    type: 'delete',
    eventId: spec.eventId ?? nextId(),
    postId,
    authorId,
    version: spec.version,
    eventTimeMs: spec.eventTimeMs,
    publishedAtMs: 0,
  };
}

/** A copy of an event under a new event id: a producer retry, not a redelivery. */
export function withNewId<E extends PostUpsertEvent | PostDeleteEvent>(event: E): E {
  return { ...event, eventId: nextId() };
}
