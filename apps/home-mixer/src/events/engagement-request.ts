import { createHash } from 'node:crypto';
import { ViewerIdSchema } from '@foryou/contracts';
import { OUTCOME_EVENT_TYPES, type OutcomeEventType } from '@foryou/experiments';
import { MAX_OUTCOMES_PER_JOB } from '@foryou/feed-state';
import { z } from 'zod';
import type { FieldProblem } from '../errors/feed-error';

/** Most events one `POST /v1/events/engagement` may carry (one outcome job per batch). */
export const MAX_EVENTS_PER_BATCH = MAX_OUTCOMES_PER_JOB;
/** How far in the future an event may claim to have happened (client clock skew). */
export const MAX_FUTURE_SKEW_MS = 5 * 60_000;
/** The attribution horizon: older events can no longer be attributed to an exposure, so are refused. */
export const ATTRIBUTION_HORIZON_MS = 7 * 24 * 3_600_000;

/** The event type whose `value` is a measurement (dwell time in ms); every other type is a discrete action. */
export const MEASURED_EVENT_TYPE: OutcomeEventType = 'dwell';

const CLIENT_EVENT_ID = /^[A-Za-z0-9._:-]{1,256}$/;
const POST_ID = /^[A-Za-z0-9_-]{1,64}$/;
const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

const EngagementEventSchema = z.strictObject({
  client_event_id: z
    .string({ error: 'client_event_id is required' })
    .regex(CLIENT_EVENT_ID, 'client_event_id must be 1–256 characters of [A-Za-z0-9._:-]'),
  type: z.enum(OUTCOME_EVENT_TYPES, { error: `type must be one of ${OUTCOME_EVENT_TYPES.join(', ')}` }),
  post_id: z
    .string({ error: 'post_id is required' })
    .regex(POST_ID, 'post_id must be 1–64 characters of [A-Za-z0-9_-]'),
  request_id: z
    .string({ error: 'request_id must be a string' })
    .regex(REQUEST_ID, 'request_id must be a feed response request_id (8–128 characters of [A-Za-z0-9._:-])')
    .optional(),
  occurred_at_ms: z.int({ error: 'occurred_at_ms must be an integer (ms since the epoch)' }).nonnegative({
    error: 'occurred_at_ms must not be negative',
  }),
  value: z.number({ error: 'value must be a finite number' }).optional(),
});

/**
 * Body of `POST /v1/events/engagement`: one viewer's events, 1–500, each with the client's own
 * idempotency key. Unknown fields are rejected at every level.
 */
export const EngagementRequestSchema = z.strictObject({
  viewer_id: ViewerIdSchema,
  events: z
    .array(EngagementEventSchema, { error: 'events must be an array of events' })
    .min(1, 'events must hold at least one event')
    .max(MAX_EVENTS_PER_BATCH, `events may hold at most ${MAX_EVENTS_PER_BATCH} events`),
});
export type EngagementRequest = z.infer<typeof EngagementRequestSchema>;
export type EngagementEvent = EngagementRequest['events'][number];

/** One distinct event of a valid batch, `value` normalised (1 for a discrete action). */
export interface AcceptedEvent {
  /** Index of its first occurrence in the request's `events`. */
  readonly index: number;
  readonly clientEventId: string;
  readonly type: OutcomeEventType;
  readonly postId: string;
  readonly requestId: string | null;
  readonly occurredAtMs: number;
  readonly value: number;
}

/** A batch that passed every check that needs no I/O. */
export interface ParsedBatch {
  readonly viewerId: string;
  /** Distinct events in request order (first occurrence of each client event id). */
  readonly events: readonly AcceptedEvent[];
  /** Exact repeats of an earlier event of the batch (same id, same content), counted once. */
  readonly duplicates: readonly AcceptedEvent[];
  readonly batchId: string;
}

export type ParseResult =
  | { readonly ok: true; readonly batch: ParsedBatch }
  | {
      readonly ok: false;
      readonly problems: readonly FieldProblem[];
      /** Event types of the request, for the rejected-events metric (`invalid` where unreadable). */
      readonly types: readonly string[];
    };

/**
 * Validates a request body at wall time `nowMs`: the schema, then per event the `value` rule (required,
 * finite and ≥ 0 for dwell; absent or 1 for discrete actions) and the time window (at most 5 min ahead,
 * at most 7 days old), then deduplication by `client_event_id` (an exact repeat is one event; the same
 * id with different content is a problem). Every problem is reported, as `{field, reason}` with the
 * field as a path (`events.3.value`).
 */
export function parseEngagementRequest(body: unknown, nowMs: number): ParseResult {
  const parsed = EngagementRequestSchema.safeParse(body ?? {});
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((i) => ({
        field: fieldOf(i.path, i.code === 'unrecognized_keys' ? i.keys : []),
        reason: i.message,
      })),
      types: eventTypesOf(body),
    };
  }
  const { viewer_id: viewerId, events } = parsed.data;
  const problems: FieldProblem[] = [];
  const firstById = new Map<string, { readonly event: AcceptedEvent; readonly content: string }>();
  const distinct: AcceptedEvent[] = [];
  const duplicates: AcceptedEvent[] = [];
  events.forEach((e, index) => {
    const own = eventProblems(e, index, nowMs);
    problems.push(...own);
    const event: AcceptedEvent = {
      index,
      clientEventId: e.client_event_id,
      type: e.type,
      postId: e.post_id,
      requestId: e.request_id ?? null,
      occurredAtMs: e.occurred_at_ms,
      value: e.type === MEASURED_EVENT_TYPE ? (e.value ?? Number.NaN) : 1,
    };
    const content = contentOf(event);
    const first = firstById.get(event.clientEventId);
    if (first === undefined) {
      firstById.set(event.clientEventId, { event, content });
      distinct.push(event);
    } else if (first.content === content) {
      duplicates.push(event);
    } else {
      problems.push({
        field: `events.${index}.client_event_id`,
        reason: `client_event_id ${event.clientEventId} repeats events.${first.event.index} with different content`,
      });
    }
  });
  if (problems.length > 0) {
    return { ok: false, problems, types: events.map((e) => e.type) };
  }
  return {
    ok: true,
    batch: {
      viewerId,
      events: distinct,
      duplicates,
      batchId: batchIdOf(
        viewerId,
        distinct.map((e) => e.clientEventId),
      ),
    },
  };
}

function eventProblems(e: EngagementEvent, index: number, nowMs: number): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const at = (field: string, reason: string) => problems.push({ field: `events.${index}.${field}`, reason });
  if (e.type === MEASURED_EVENT_TYPE) {
    if (e.value === undefined) {
      at('value', 'value is required for dwell (the dwell time in ms)');
    } else if (!Number.isFinite(e.value) || e.value < 0) {
      at('value', 'value of dwell must be a finite number of ms ≥ 0');
    }
  } else if (e.value !== undefined && e.value !== 1) {
    at('value', `value must be absent or 1 for the discrete action ${e.type}`);
  }
  if (e.occurred_at_ms > nowMs + MAX_FUTURE_SKEW_MS) {
    at('occurred_at_ms', 'occurred_at_ms is more than 5 minutes in the future');
  } else if (e.occurred_at_ms < nowMs - ATTRIBUTION_HORIZON_MS) {
    at('occurred_at_ms', 'occurred_at_ms is older than the 7-day attribution horizon');
  }
  return problems;
}

/** What makes two events with the same client id the same event. */
function contentOf(e: AcceptedEvent): string {
  return JSON.stringify([e.type, e.postId, e.requestId, e.occurredAtMs, e.value]);
}

/**
 * The batch id: a hash of the viewer and the sorted distinct client event ids, so a retried POST of the
 * same events (in any order, with or without in-batch repeats) yields the same id — the business key
 * and event id of its outcome job.
 */
export function batchIdOf(viewerId: string, clientEventIds: readonly string[]): string {
  const ids = [...new Set(clientEventIds)].sort();
  const hash = createHash('sha256').update(viewerId).update('\u0000').update(ids.join('\u0000'));
  return `eng_${hash.digest('hex').slice(0, 40)}`;
}

function fieldOf(path: readonly PropertyKey[], unknownKeys: readonly string[]): string {
  const base = path.map(String).join('.');
  if (unknownKeys.length === 0) {
    return base || 'body';
  }
  return unknownKeys.map((k) => (base ? `${base}.${k}` : k)).join(',');
}

/** The `type` of each event of a raw body (a known type, or `invalid`); none when it has no events array. */
export function eventTypesOf(body: unknown): string[] {
  const events = (body as { events?: unknown } | null | undefined)?.events;
  if (!Array.isArray(events)) {
    return [];
  }
  const known: ReadonlySet<string> = new Set(OUTCOME_EVENT_TYPES);
  return events.map((e: unknown) => {
    const type = (e as { type?: unknown } | null)?.type;
    return typeof type === 'string' && known.has(type) ? type : 'invalid';
  });
}
