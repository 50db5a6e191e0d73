import { setTimeout as delayMs } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import {
  emptyEngagementTally,
  engage,
  engagementUrl,
  type EngagementPlan,
  type EngagementTally,
} from './engagement-traffic';
import { FeedResponseShape } from './feed-response.schema';
import { viewerFor } from './viewer-mix';

/** What to send. Every run is bounded: at most `requests` requests, none started after `durationMs`. */
export interface TrafficPlan {
  /** Base URL of a home-mixer (origin plus optional base path). No other host is ever contacted. */
  readonly target: URL;
  readonly requests: number;
  /** No request starts once this much time has passed; undefined = bounded by `requests` only. */
  readonly durationMs: number | undefined;
  /** Open-loop pacing: request i is due at start + i/rate. Undefined = closed loop (as fast as allowed). */
  readonly ratePerSecond: number | undefined;
  /** Requests in flight at most. With a rate, a saturated pool delays requests (see `maxScheduleLagMs`). */
  readonly concurrency: number;
  /** Synthetic viewers u0…u<viewers-1> (plus xiaolin, see viewer-mix.ts). */
  readonly viewers: number;
  readonly viewerSeed: number;
  readonly limit: number;
  readonly timeoutMs: number;
  /**
   * React to every 200 feed like its viewer would (the world's engagement simulator) and POST the events
   * to `/v1/events/engagement` under `target`, before that worker's next request. Undefined: off.
   */
  readonly engagement?: EngagementPlan;
}

/** I/O behind an interface so the driver can be tested with a fake clock and a fake server. */
export interface TrafficDeps {
  readonly fetch: (url: string, init: RequestInit) => Promise<Response>;
  /** Monotonic milliseconds. */
  readonly now: () => number;
  /** Resolves after `ms`, rejects when `signal` aborts. */
  readonly delay: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Wall-clock milliseconds since the epoch (engagement event times); default `Date.now`. */
  readonly wallNow?: () => number;
}

export const realTrafficDeps: TrafficDeps = {
  fetch: (url, init) => fetch(url, init),
  now: () => performance.now(),
  delay: (ms, signal) => delayMs(ms, undefined, { signal }),
  wallNow: () => Date.now(),
};

/** Transport failures, counted beside HTTP status codes (`cancelled`: the run was stopped mid-request). */
export type TransportError = 'timeout' | 'network' | 'cancelled';

export type RequestOutcome =
  | {
      readonly kind: 'response';
      readonly status: number;
      readonly latencyMs: number;
      readonly items?: number;
      /** A feed's request id and item ids, in position order (when the body had a request id). */
      readonly served?: { readonly requestId: string; readonly itemIds: readonly string[] };
    }
  | { readonly kind: 'transport_error'; readonly error: TransportError; readonly latencyMs: number };

/** Running totals; also what the progress bar shows. */
export interface TrafficTally {
  readonly planned: number;
  sent: number;
  completed: number;
  /** 200 with a body that has `items`. */
  ok: number;
  /** Keyed by HTTP status (`"200"`, `"503"`) or transport error (`"timeout"`, `"network"`, `"cancelled"`). */
  readonly outcomes: Map<string, number>;
  /** 200 responses whose body was not a feed. */
  badBodies: number;
  feeds: number;
  emptyFeeds: number;
  itemsReturned: number;
  /** With `plan.engagement`: the engagement events sent and how home-mixer answered them. */
  readonly engagement?: EngagementTally;
}

export type StopReason = 'requests' | 'duration' | 'signal';

export interface TrafficResult extends TrafficTally {
  /** Latency of every request that got an HTTP response, in milliseconds, in completion order. */
  readonly latenciesMs: readonly number[];
  readonly elapsedMs: number;
  readonly stoppedBy: StopReason;
  /** With a rate: the largest delay between a request's due time and its start (0 in closed loop). */
  readonly maxScheduleLagMs: number;
}

/** The feed URL for one request, always under `target` (its path is kept as a prefix). */
export function feedUrl(target: URL, viewerId: string, limit: number): string {
  const url = new URL(target.href);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/v1/feed/for-you`;
  url.search = new URLSearchParams({ viewer_id: viewerId, limit: String(limit) }).toString();
  return url.href;
}

/**
 * Drives feed requests against `plan.target` until a bound is reached or `signal` aborts, with at most
 * `plan.concurrency` in flight. Redirects are not followed (a 3xx is counted as such), so no other
 * URL is ever requested. Never throws for request failures; they are counted.
 */
export async function runTraffic(
  plan: TrafficPlan,
  options: {
    deps?: TrafficDeps;
    signal?: AbortSignal;
    onProgress?: (tally: Readonly<TrafficTally>) => void;
  } = {},
): Promise<TrafficResult> {
  const deps = options.deps ?? realTrafficDeps;
  const stop = new AbortController();
  const onAbort = (): void => stop.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted === true) {
    stop.abort();
  }

  const tally: TrafficTally = {
    planned: plan.requests,
    sent: 0,
    completed: 0,
    ok: 0,
    outcomes: new Map(),
    badBodies: 0,
    feeds: 0,
    emptyFeeds: 0,
    itemsReturned: 0,
    ...(plan.engagement ? { engagement: emptyEngagementTally() } : {}),
  };
  const wallNow = deps.wallNow ?? Date.now;
  let batches = 0;
  const latenciesMs: number[] = [];
  const start = deps.now();
  let next = 0;
  let durationReached = false;
  let maxScheduleLagMs = 0;

  const record = (outcome: RequestOutcome): void => {
    tally.completed += 1;
    const key = outcome.kind === 'response' ? String(outcome.status) : outcome.error;
    tally.outcomes.set(key, (tally.outcomes.get(key) ?? 0) + 1);
    if (outcome.kind === 'response') {
      latenciesMs.push(outcome.latencyMs);
      if (outcome.status === 200) {
        if (outcome.items === undefined) {
          tally.badBodies += 1;
        } else {
          tally.ok += 1;
          tally.feeds += 1;
          tally.itemsReturned += outcome.items;
          if (outcome.items === 0) {
            tally.emptyFeeds += 1;
          }
        }
      }
    }
    options.onProgress?.(tally);
  };

  const worker = async (): Promise<void> => {
    while (!stop.signal.aborted && next < plan.requests) {
      const index = next;
      next += 1;
      if (plan.ratePerSecond !== undefined) {
        const due = start + (index * 1000) / plan.ratePerSecond;
        const wait = due - deps.now();
        if (wait > 0) {
          try {
            await deps.delay(wait, stop.signal);
          } catch {
            return; // aborted while waiting
          }
        }
        maxScheduleLagMs = Math.max(maxScheduleLagMs, deps.now() - due);
      }
      if (plan.durationMs !== undefined && deps.now() - start >= plan.durationMs) {
        durationReached = true;
        return;
      }
      tally.sent += 1;
      const viewerId = viewerFor(index, plan.viewers, plan.viewerSeed);
      const outcome = await sendOne(plan, viewerId, deps, stop.signal);
      record(outcome);
      if (
        plan.engagement &&
        tally.engagement &&
        outcome.kind === 'response' &&
        outcome.served &&
        !stop.signal.aborted
      ) {
        await engage(
          plan.engagement,
          { viewerId, ...outcome.served, respondedAtMs: wallNow() },
          index,
          {
            fetch: deps.fetch,
            url: engagementUrl(plan.target),
            timeoutMs: plan.timeoutMs,
            signal: stop.signal,
            nextBatch: () => ++batches,
          },
          tally.engagement,
        );
      }
    }
  };

  try {
    await Promise.all(Array.from({ length: Math.min(plan.concurrency, plan.requests) }, () => worker()));
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
  const stoppedBy: StopReason = stop.signal.aborted ? 'signal' : durationReached ? 'duration' : 'requests';
  return { ...tally, latenciesMs, elapsedMs: deps.now() - start, stoppedBy, maxScheduleLagMs };
}

async function sendOne(
  plan: TrafficPlan,
  viewerId: string,
  deps: TrafficDeps,
  runSignal: AbortSignal,
): Promise<RequestOutcome> {
  const timeout = new AbortController();
  const onRunAbort = (): void => timeout.abort();
  runSignal.addEventListener('abort', onRunAbort, { once: true });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    timeout.abort();
  }, plan.timeoutMs);
  const began = deps.now();
  try {
    const response = await deps.fetch(feedUrl(plan.target, viewerId, plan.limit), {
      method: 'GET',
      headers: { accept: 'application/json' },
      redirect: 'manual',
      signal: timeout.signal,
    });
    let feed: FeedResponseShape | undefined;
    if (response.status === 200) {
      feed = parseFeed(await response.text());
    } else {
      await response.arrayBuffer(); // drain, so the connection is reused
    }
    const latencyMs = deps.now() - began;
    if (feed === undefined) {
      return { kind: 'response', status: response.status, latencyMs };
    }
    const items = feed.items.length;
    return feed.request_id === undefined
      ? { kind: 'response', status: response.status, latencyMs, items }
      : {
          kind: 'response',
          status: response.status,
          latencyMs,
          items,
          served: { requestId: feed.request_id, itemIds: feed.items.map((i) => i.id) },
        };
  } catch {
    const error: TransportError = runSignal.aborted ? 'cancelled' : timedOut ? 'timeout' : 'network';
    return { kind: 'transport_error', error, latencyMs: deps.now() - began };
  } finally {
    clearTimeout(timer);
    runSignal.removeEventListener('abort', onRunAbort);
  }
}

function parseFeed(body: string): FeedResponseShape | undefined {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return undefined;
  }
  const parsed = FeedResponseShape.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}
