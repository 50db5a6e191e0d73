import type { PostEvent, PostPayload } from '@foryou/contracts';
import fc from 'fast-check';
import type { InNetworkRequest } from '../../query/in-network-scan';
import type { PostStoreOptions } from '../types';

/** Small on purpose: retention, lateness, caps and recent-id eviction all happen in short runs. */
export const MODEL_OPTIONS: PostStoreOptions = {
  partitions: 2,
  retentionMs: 200,
  allowedLatenessMs: 150,
  maxPostsPerAuthor: 2,
  dedupeIdsPerPartition: 6,
};

export const MODEL_AUTHORS = ['a0', 'a1', 'a2', 'a3'] as const;

/** A fixed little world: ids, authors and the shape of each post (created_at is generated). */
const POSTS: readonly { id: string; author: string; shape: (createdAtMs: number) => PostPayload }[] = [
  { id: 'p0', author: 'a0', shape: (c) => ({ kind: 'original', createdAtMs: c }) },
  { id: 'p1', author: 'a0', shape: (c) => ({ kind: 'video', createdAtMs: c, videoDurationMs: 9000 }) },
  { id: 'p2', author: 'a1', shape: (c) => ({ kind: 'reply', createdAtMs: c, replyToPostId: 'p0' }) },
  { id: 'p3', author: 'a1', shape: (c) => ({ kind: 'repost', createdAtMs: c, repostOfPostId: 'p4' }) },
  { id: 'p4', author: 'a2', shape: (c) => ({ kind: 'original', createdAtMs: c }) },
  {
    id: 'p5',
    author: 'a3',
    shape: (c) => ({ kind: 'repost', createdAtMs: c, repostOfPostId: 'p1', videoDurationMs: 9000 }),
  },
  { id: 'p6', author: 'a2', shape: (c) => ({ kind: 'reply', createdAtMs: c, replyToPostId: 'p4' }) },
  { id: 'p7', author: 'a0', shape: (c) => ({ kind: 'original', createdAtMs: c }) },
  { id: 'p8', author: 'a0', shape: (c) => ({ kind: 'reply', createdAtMs: c, replyToPostId: 'p3' }) },
  { id: 'p9', author: 'a0', shape: (c) => ({ kind: 'repost', createdAtMs: c, repostOfPostId: 'p2' }) },
  { id: 'p10', author: 'a0', shape: (c) => ({ kind: 'original', createdAtMs: c }) },
];
export const MODEL_POST_IDS = POSTS.map((p) => p.id);

export type Step =
  | {
      readonly op: 'event';
      readonly post: number;
      readonly type: PostEvent['type'];
      readonly version: number;
      readonly dt: number;
      /** Alters the payload: forks at the same version, payload_changed above it. */
      readonly mutant: boolean;
    }
  /** The same event again (same id): a redelivery. */
  | { readonly op: 'redeliver'; readonly pick: number }
  /** The same content under a new id: a producer retry. */
  | { readonly op: 'retry'; readonly pick: number }
  /** Reclaim memory now (implementation only; must never change behaviour). */
  | { readonly op: 'trim' };

export const createdAtArb = fc.array(fc.integer({ min: 0, max: 300 }), {
  minLength: POSTS.length,
  maxLength: POSTS.length,
});

export const stepsArb = fc.array(
  fc.oneof(
    {
      weight: 8,
      arbitrary: fc.record({
        op: fc.constant('event' as const),
        // Half of the events hit author a0's originals, so its timeline overflows the cap often.
        post: fc.oneof(fc.nat(POSTS.length - 1), fc.constantFrom(0, 1, 7, 10)),
        type: fc.constantFrom('create' as const, 'create' as const, 'update' as const, 'delete' as const),
        version: fc.integer({ min: 1, max: 4 }),
        dt: fc.integer({ min: 0, max: 90 }),
        mutant: fc.nat(9).map((n) => n === 0),
      }),
    },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('redeliver' as const), pick: fc.nat() }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('retry' as const), pick: fc.nat() }) },
    { weight: 1, arbitrary: fc.constant({ op: 'trim' as const }) },
  ),
  { maxLength: 80 },
);

/** Events (or trim markers) for a script: creates carry event_time = created_at, later events + dt. */
export function buildEvents(createdAt: readonly number[], steps: readonly Step[]): (PostEvent | 'trim')[] {
  const out: (PostEvent | 'trim')[] = [];
  const events: PostEvent[] = [];
  let n = 0;
  for (const step of steps) {
    if (step.op === 'trim') {
      out.push('trim');
      continue;
    }
    let event: PostEvent | undefined;
    if (step.op === 'event') {
      const post = POSTS[step.post]!;
      const created = createdAt[step.post]! + (step.mutant ? 1 : 0);
      const base = {
        eventId: `ev${n++}`,
        postId: post.id,
        authorId: post.author,
        version: step.version,
        publishedAtMs: 0,
      };
      event =
        step.type === 'delete'
          ? { ...base, type: 'delete', eventTimeMs: created + step.dt }
          : {
              ...base,
              type: step.type,
              eventTimeMs: step.type === 'create' ? created : created + step.dt,
              payload: post.shape(created),
            };
    } else if (events.length > 0) {
      const prior = events[step.pick % events.length]!;
      event = step.op === 'redeliver' ? prior : { ...prior, eventId: `ev${n++}` };
    }
    if (event !== undefined) {
      events.push(event);
      out.push(event);
    }
  }
  return out;
}

export const queryArb = fc.record({
  viewerId: fc.constantFrom(...MODEL_AUTHORS, 'nobody'),
  authorIds: fc.shuffledSubarray([...MODEL_AUTHORS]),
  exclude: fc.subarray(MODEL_POST_IDS),
  maxPerAuthor: fc.integer({ min: 1, max: 3 }),
  maxResults: fc.integer({ min: 1, max: 6 }),
  notBeforeMs: fc.integer({ min: 0, max: 450 }),
  scanCap: fc.integer({ min: 1, max: 4 }),
});
export type QuerySpec = typeof queryArb extends fc.Arbitrary<infer T> ? T : never;

export function toRequest(q: QuerySpec): InNetworkRequest {
  return {
    viewerId: q.viewerId,
    authorIds: q.authorIds,
    excludePostIds: new Set(q.exclude),
    maxPerAuthor: q.maxPerAuthor,
    maxResults: q.maxResults,
    notBeforeMs: q.notBeforeMs,
  };
}
