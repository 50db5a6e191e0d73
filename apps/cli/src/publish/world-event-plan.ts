import type { PostDeleteEvent, PostPayload, PostUpsertEvent } from '@foryou/contracts';
import { createRng, FIXTURE, type Post, type Rng, type World } from '@foryou/world';

/** An event before publishing; `published_at_ms` is stamped by the writer (wall clock). */
export type PlannedEvent = Omit<PostUpsertEvent, 'publishedAtMs'> | Omit<PostDeleteEvent, 'publishedAtMs'>;

/** The noise added on top of "every post's create, in event-time order". Rates are per event. */
export interface PlanNoise {
  /** Chance that an event is published twice (same event_id), up to reorderWindow entries apart. */
  readonly duplicateRate: number;
  /** Events are shuffled within consecutive windows of this many entries (1 = no reordering). */
  readonly reorderWindow: number;
  /** Chance that an event is published late: after events up to `maxLatenessMs` newer (content time). */
  readonly lateRate: number;
  readonly maxLatenessMs: number;
  /** Chance per post of an update (version 2) some time after its creation. */
  readonly updateRate: number;
  /** Chance per post of a delete (version 3) after its creation (and after its update, if any). */
  readonly deleteRate: number;
}

export interface PlanCounts {
  readonly creates: number;
  readonly updates: number;
  readonly deletes: number;
  readonly duplicates: number;
  readonly late: number;
}

export interface WorldEventPlan {
  /** In publishing order. */
  readonly events: readonly PlannedEvent[];
  readonly counts: PlanCounts;
}

/** The A–E fixture posts are never updated, deleted or delayed: their identities are fixed (DESIGN §5). */
const FIXTURE_POSTS: ReadonlySet<string> = new Set([FIXTURE.A, FIXTURE.B, FIXTURE.C, FIXTURE.D, FIXTURE.E]);
const MINUTE_MS = 60_000;

function payloadOf(post: Post): PostPayload {
  return {
    kind: post.kind,
    createdAtMs: post.createdAtMs,
    ...(post.replyToPostId === undefined ? {} : { replyToPostId: post.replyToPostId }),
    ...(post.repostOfPostId === undefined ? {} : { repostOfPostId: post.repostOfPostId }),
    ...(post.videoDurationMs === undefined ? {} : { videoDurationMs: post.videoDurationMs }),
  };
}

/** Uniform in [lo, hi] (ms). */
const between = (rng: Rng, lo: number, hi: number) => lo + Math.floor(rng.next() * (hi - lo + 1));

/** Sorts by key, keeping the original order on ties (Array.prototype.sort is stable). */
function byKey<T>(items: readonly T[], key: (item: T, index: number) => number): T[] {
  const keyed = items.map((item, i) => ({ item, k: key(item, i) }));
  return keyed.sort((a, b) => a.k - b.k).map((x) => x.item);
}

/**
 * The events that publish a world, deterministic for (world, seed, noise). Per post: a create
 * (version 1, event_time = created_at), maybe an update (version 2) and a delete (version 3), each
 * later in content time than the one before and never after the world's "now". Then, in order:
 * sort by event time; delay late events by up to `maxLatenessMs` of content time; shuffle within
 * windows of `reorderWindow`; insert duplicates (the same event, same id) up to a window later.
 * Event ids are `<world version>:<post>:v<version>`, so a rerun produces the same ids.
 */
export function planWorldEvents(world: World, seed: number, noise: PlanNoise): WorldEventPlan {
  const rng = createRng(seed);
  const base: PlannedEvent[] = [];
  let updates = 0;
  let deletes = 0;
  for (const post of world.postList) {
    const id = (version: number) => `${world.version}:${post.id}:v${version}`;
    const common = { postId: post.id, authorId: post.authorId };
    const payload = payloadOf(post);
    base.push({
      ...common,
      type: 'create',
      eventId: id(1),
      version: 1,
      eventTimeMs: post.createdAtMs,
      payload,
    });
    if (FIXTURE_POSTS.has(post.id)) {
      continue;
    }
    let last = post.createdAtMs;
    if (rng.next() < noise.updateRate) {
      last = Math.min(world.nowMs, last + between(rng, MINUTE_MS, 120 * MINUTE_MS));
      base.push({ ...common, type: 'update', eventId: id(2), version: 2, eventTimeMs: last, payload });
      updates++;
    }
    if (rng.next() < noise.deleteRate) {
      last = Math.min(world.nowMs, last + between(rng, MINUTE_MS, 360 * MINUTE_MS));
      base.push({ ...common, type: 'delete', eventId: id(3), version: 3, eventTimeMs: last });
      deletes++;
    }
  }
  const inTimeOrder = byKey(base, (e) => e.eventTimeMs);

  let late = 0;
  const delayed = byKey(inTimeOrder, (e) => {
    if (FIXTURE_POSTS.has(e.postId) || rng.next() >= noise.lateRate) {
      return e.eventTimeMs;
    }
    late++;
    return e.eventTimeMs + between(rng, 1000, noise.maxLatenessMs);
  });

  const window = Math.max(1, noise.reorderWindow);
  const shuffled = [...delayed];
  for (let start = 0; start < shuffled.length; start += window) {
    const end = Math.min(shuffled.length, start + window);
    for (let i = end - 1; i > start; i--) {
      const j = start + rng.int(i - start + 1);
      [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
    }
  }

  const withCopies: { e: PlannedEvent; at: number }[] = shuffled.map((e, i) => ({ e, at: i }));
  shuffled.forEach((e, i) => {
    if (rng.next() < noise.duplicateRate) {
      withCopies.push({ e, at: i + 0.5 + rng.int(window) });
    }
  });
  const events = byKey(withCopies, (x) => x.at).map((x) => x.e);

  return {
    events,
    counts: {
      creates: world.postList.length,
      updates,
      deletes,
      duplicates: events.length - base.length,
      late,
    },
  };
}
