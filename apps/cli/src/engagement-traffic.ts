import {
  ACTIONS,
  createRng,
  generateWorld,
  simulateEngagement,
  type Action,
  type Scale,
  type World,
} from '@foryou/world';
import { z } from 'zod';
import { mix32 } from './viewer-mix';

/** Most events one POST may carry (home-mixer's limit); a larger response is split into several batches. */
export const MAX_EVENTS_PER_BATCH = 500;
/** The simulated viewer reaches the post at position p about (p + 1) × this after the response. */
export const OFFSET_PER_POSITION_MS = 250;
/** Salt of the per-request engagement RNG, so it is independent of the viewer mix drawn from the same seed. */
const RNG_SALT = 0x2f6b_e11d;

/** How the traffic driver reacts to the feeds it gets. */
export interface EngagementPlan {
  /** The world the target serves (same scale and seed): the ground truth of the viewers' reactions. */
  readonly world: World;
  /** With the request index, seeds the reaction of request i: the same run draws the same events. */
  readonly seed: number;
  /** Every `retryEvery`-th batch is POSTed twice with the same ids (a client retry); 0 never. */
  readonly retryEvery: number;
}

/** Every 10th batch is re-sent once, as a client that did not see the 202 would. */
export const ENGAGEMENT_RETRY_EVERY = 10;

/**
 * The plan for traffic against a home-mixer serving the world of (`scale`, `seed`): generates that world
 * here (about a second for medium) and seeds the reactions with the same seed.
 */
export function engagementPlan(scale: Scale, seed: number): EngagementPlan {
  return { world: generateWorld({ seed, scale }), seed, retryEvery: ENGAGEMENT_RETRY_EVERY };
}

/** One event as `POST /v1/events/engagement` takes it. */
export interface EngagementEvent {
  readonly client_event_id: string;
  readonly type: Action;
  readonly post_id: string;
  readonly request_id: string;
  readonly occurred_at_ms: number;
  /** Dwell time in ms (dwell only). */
  readonly value?: number;
}

/** What the driver sent and what home-mixer answered, in events. */
export interface EngagementTally {
  /** Batches POSTed (first sends). */
  batches: number;
  /** Events in first sends. */
  sent: number;
  /** Events home-mixer durably accepted (202) on first sends. */
  accepted: number;
  /** Events the 202s reported as exact in-batch repeats (the driver sends none, so 0 is expected). */
  duplicatesInBatch: number;
  /** Events refused with a 400 (first sends and retries). */
  rejected: number;
  /** Events whose batch got neither 202 nor 400 (5xx, timeout, network). */
  failed: number;
  /** Batches re-sent as client retries, and their events (the store deduplicates them). */
  retriedBatches: number;
  retriedEvents: number;
  /** Retries whose 202 named another batch id than the first send (must stay 0: the id is the key). */
  retryIdMismatches: number;
  /** Served posts the world does not know (or viewers it does not have): no reaction simulated. */
  skippedImpressions: number;
  /** Events sent on first sends, by type. */
  readonly byType: Map<Action, number>;
}

export function emptyEngagementTally(): EngagementTally {
  return {
    batches: 0,
    sent: 0,
    accepted: 0,
    duplicatesInBatch: 0,
    rejected: 0,
    failed: 0,
    retriedBatches: 0,
    retriedEvents: 0,
    retryIdMismatches: 0,
    skippedImpressions: 0,
    byType: new Map(),
  };
}

/** A 200 feed response the driver reacts to. */
export interface ServedFeed {
  readonly viewerId: string;
  /** The response's `request_id`: events name it so they are checked and attributed to this response. */
  readonly requestId: string;
  /** Item ids in position order (ads included: the world has no reaction to them, they are skipped). */
  readonly itemIds: readonly string[];
  /** Wall-clock ms when the response arrived. */
  readonly respondedAtMs: number;
}

/**
 * The viewer's reaction to each served post, drawn with the world's `simulateEngagement` from an RNG
 * seeded by (seed, request index): one event per action (dwell with the dwell time as its value; a
 * dwell is reported only when it is a real dwell, not a scroll-past), at the response's wall-clock time
 * plus a small offset per position. Client event ids are `<request id>.<post id>.<action>`: a retry keeps
 * them, two real actions never share one. Items the world does not know (ads) are skipped.
 */
export function simulateReactions(
  world: World,
  served: ServedFeed,
  seed: number,
  requestIndex: number,
): { readonly events: EngagementEvent[]; readonly skipped: number } {
  const rng = createRng(mix32(requestIndex, seed ^ RNG_SALT));
  const events: EngagementEvent[] = [];
  let skipped = 0;
  const viewerKnown = world.users.has(served.viewerId);
  served.itemIds.forEach((postId, position) => {
    if (!viewerKnown || !world.posts.has(postId)) {
      skipped += 1;
      return;
    }
    const base = served.respondedAtMs + (position + 1) * OFFSET_PER_POSITION_MS;
    const reaction = simulateEngagement(world, served.viewerId, postId, rng, base);
    ACTIONS.forEach((action, k) => {
      if (!reaction.actions.has(action)) {
        return;
      }
      events.push({
        client_event_id: `${served.requestId}.${postId}.${action}`,
        type: action,
        post_id: postId,
        request_id: served.requestId,
        occurred_at_ms: base + k,
        ...(action === 'dwell' ? { value: reaction.dwellMs } : {}),
      });
    });
  });
  return { events, skipped };
}

/** The engagement URL under `target` (its path kept as a prefix). */
export function engagementUrl(target: URL): string {
  const url = new URL(target.href);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/v1/events/engagement`;
  url.search = '';
  return url.href;
}

const AcceptedShape = z.object({
  accepted: z.number(),
  duplicates_in_batch: z.number(),
  batch_id: z.string(),
});

/** What one POST of a batch came back with. */
export type BatchOutcome =
  | {
      readonly kind: 'accepted';
      readonly accepted: number;
      readonly duplicates: number;
      readonly batchId: string;
    }
  | { readonly kind: 'rejected' }
  | { readonly kind: 'failed' };

/** POSTs one batch; never throws (a transport error or an unexpected answer is `failed`). */
export async function postBatch(
  fetchFn: (url: string, init: RequestInit) => Promise<Response>,
  url: string,
  viewerId: string,
  events: readonly EngagementEvent[],
  signal: AbortSignal,
): Promise<BatchOutcome> {
  try {
    const response = await fetchFn(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ viewer_id: viewerId, events }),
      redirect: 'manual',
      signal,
    });
    const text = await response.text();
    if (response.status === 400) {
      return { kind: 'rejected' };
    }
    if (response.status !== 202) {
      return { kind: 'failed' };
    }
    const parsed = AcceptedShape.safeParse(safeJson(text));
    return parsed.success
      ? {
          kind: 'accepted',
          accepted: parsed.data.accepted,
          duplicates: parsed.data.duplicates_in_batch,
          batchId: parsed.data.batch_id,
        }
      : { kind: 'failed' };
  } catch {
    return { kind: 'failed' };
  }
}

/**
 * Reacts to one served feed: simulates the events, POSTs them (one batch, or several of at most 500),
 * re-sends every `retryEvery`-th batch with the same ids, and adds everything to `tally`. `nextBatch`
 * numbers batches across the whole run (1, 2, …).
 */
export async function engage(
  plan: EngagementPlan,
  served: ServedFeed,
  requestIndex: number,
  io: {
    readonly fetch: (url: string, init: RequestInit) => Promise<Response>;
    readonly url: string;
    readonly timeoutMs: number;
    readonly signal: AbortSignal;
    readonly nextBatch: () => number;
  },
  tally: EngagementTally,
): Promise<void> {
  const { events, skipped } = simulateReactions(plan.world, served, plan.seed, requestIndex);
  tally.skippedImpressions += skipped;
  for (let start = 0; start < events.length; start += MAX_EVENTS_PER_BATCH) {
    if (io.signal.aborted) {
      return;
    }
    const batch = events.slice(start, start + MAX_EVENTS_PER_BATCH);
    const number = io.nextBatch();
    tally.batches += 1;
    tally.sent += batch.length;
    for (const e of batch) {
      tally.byType.set(e.type, (tally.byType.get(e.type) ?? 0) + 1);
    }
    const send = () =>
      postBatch(io.fetch, io.url, served.viewerId, batch, withTimeout(io.signal, io.timeoutMs));
    const first = await send();
    count(first, batch.length, tally);
    if (first.kind === 'accepted') {
      tally.accepted += first.accepted;
      tally.duplicatesInBatch += first.duplicates;
    }
    if (plan.retryEvery > 0 && number % plan.retryEvery === 0 && !io.signal.aborted) {
      const retry = await send();
      tally.retriedBatches += 1;
      tally.retriedEvents += batch.length;
      count(retry, batch.length, tally);
      if (retry.kind === 'accepted' && first.kind === 'accepted' && retry.batchId !== first.batchId) {
        tally.retryIdMismatches += 1;
      }
    }
  }
}

function count(outcome: BatchOutcome, events: number, tally: EngagementTally): void {
  if (outcome.kind === 'rejected') {
    tally.rejected += events;
  } else if (outcome.kind === 'failed') {
    tally.failed += events;
  }
}

function withTimeout(signal: AbortSignal, timeoutMs: number): AbortSignal {
  return AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The report rows of the engagement tally: what was sent and answered, then the events by type. */
export function engagementRows(t: EngagementTally): [string, string][] {
  const n = (v: number) => v.toLocaleString('en-US');
  if (t.batches === 0) {
    const skipped =
      t.skippedImpressions > 0 ? ` (${n(t.skippedImpressions)} items unknown to the world)` : '';
    return [['engagement', `no events sent${skipped}`]];
  }
  const sent = [
    `${n(t.sent)} events in ${n(t.batches)} batches`,
    `${n(t.accepted)} accepted`,
    `${n(t.duplicatesInBatch)} duplicates in batch`,
    `${n(t.rejected)} rejected`,
    `${n(t.failed)} failed`,
  ].join(' · ');
  const rows: [string, string][] = [['engagement', sent]];
  if (t.retriedBatches > 0) {
    rows.push([
      'retries',
      `${n(t.retriedBatches)} batches (${n(t.retriedEvents)} events) re-sent with the same ids, ` +
        (t.retryIdMismatches > 0
          ? `${n(t.retryIdMismatches)} answered with another batch id (FAIL)`
          : 'same batch ids (the store keeps one row per event)'),
    ]);
  }
  rows.push([
    'events',
    ACTIONS.filter((a) => (t.byType.get(a) ?? 0) > 0)
      .map((a) => `${a} ${n(t.byType.get(a) ?? 0)}`)
      .join(' · '),
  ]);
  return rows;
}
