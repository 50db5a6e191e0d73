import { Inject, Injectable } from '@nestjs/common';
import { SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { activeTraceparent, DEFAULT_OUTBOX_STREAM, Outbox } from '@foryou/async-work';
import { OUTCOME_EVENT_SCHEMA_VERSION } from '@foryou/experiments';
import { envelopeFor, experimentOutcomesWork, type RecordedOutcome } from '@foryou/feed-state';
import { Attr, type Logger } from '@foryou/telemetry';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { AppConfig } from '../config/app-config';
import { FeedError, type FieldProblem } from '../errors/feed-error';
import { requestIdFromHeader } from '../query/request-id';
import { ResponseRecordSchema, responseRecordKey } from '../side-effects/outbox-side-effect-sink';
import { HomeMixerMetrics } from '../telemetry/metrics';
import { APP_CONFIG, LOGGER, REDIS } from '../tokens';
import { FeedClock } from '../world/feed-clock';
import {
  eventTypesOf,
  parseEngagementRequest,
  type AcceptedEvent,
  type ParsedBatch,
} from './engagement-request';

/** `202` body of `POST /v1/events/engagement`. */
export interface EngagementAccepted {
  /** Distinct events durably accepted (exact in-batch repeats not counted). */
  readonly accepted: number;
  /** Exact repeats of an earlier event of the batch, dropped. */
  readonly duplicates_in_batch: number;
  /** Stable for the same viewer and client event ids: a retried POST gets the same id. */
  readonly batch_id: string;
}

/** The batch could not be committed (Redis unreachable): nothing was accepted, the client should retry. */
export class EngagementUnavailableError extends Error {
  override readonly name = 'EngagementUnavailableError';

  constructor(
    readonly requestId: string,
    cause: unknown,
  ) {
    super('engagement events could not be durably accepted; retry with the same client_event_ids', {
      cause,
    });
  }
}

/** The part of a response record (written by the outbox sink) that validation reads. */
const ServedRecordSchema = ResponseRecordSchema.pick({ viewerId: true, itemIds: true });
type ServedRecord = z.infer<typeof ServedRecordSchema>;

/**
 * Ingests engagement outcomes: validates a batch, checks events against the responses that served them,
 * and commits the batch as one `experiment-outcomes.record` job in ONE outbox transaction — a 202 means
 * the events are durably accepted; the workers write them to the experiments store, which keeps one row
 * per (viewer, client event id).
 */
@Injectable()
export class EngagementService {
  private readonly _outbox: Outbox;
  private readonly _producer: string;

  constructor(
    @Inject(REDIS) private readonly _redis: Redis,
    private readonly _feedClock: FeedClock,
    private readonly _metrics: HomeMixerMetrics,
    @Inject(LOGGER) private readonly _logger: Logger,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this._outbox = new Outbox(_redis, DEFAULT_OUTBOX_STREAM);
    this._producer = `home-mixer@${config.codeVersion}`;
  }

  /**
   * The request id: the valid `x-request-id` header, or a new one. An invalid header is a 400 before
   * anything else, and the body's events count as rejected.
   */
  requestId(header: string | string[] | undefined, body: unknown): string {
    try {
      return requestIdFromHeader(header);
    } catch (err) {
      this._metrics.engagementEvents(eventTypesOf(body), 'rejected');
      throw err;
    }
  }

  /**
   * Records one batch. Throws FeedError(`invalid_argument`) with every problem when the batch is invalid
   * (nothing is accepted), EngagementUnavailableError when Redis cannot be read or written.
   */
  async record(body: unknown, requestId: string): Promise<EngagementAccepted> {
    const tracer = trace.getTracer('home-mixer');
    return tracer.startActiveSpan('engagement/record', async (span) => {
      span.setAttribute(Attr.requestId, requestId);
      try {
        const result = await this.recordInSpan(body, requestId, span);
        span.setAttribute(Attr.outcome, 'accepted');
        return result;
      } catch (err) {
        const outcome =
          err instanceof FeedError
            ? 'rejected'
            : err instanceof EngagementUnavailableError
              ? 'unavailable'
              : 'error';
        span.setAttribute(Attr.outcome, outcome);
        if (outcome !== 'rejected') {
          span.recordException(err as Error);
          span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
        }
        throw err;
      } finally {
        span.end();
      }
    });
  }

  private async recordInSpan(body: unknown, requestId: string, span: Span): Promise<EngagementAccepted> {
    const log = this._logger.child({ request_id: requestId });
    const nowMs = this._feedClock.wallNow();
    const parsed = parseEngagementRequest(body, nowMs);
    if (!parsed.ok) {
      this._metrics.engagementEvents(parsed.types, 'rejected');
      log.info({ details: parsed.problems }, 'engagement batch rejected');
      throw new FeedError('invalid_argument', 'invalid engagement batch', parsed.problems, requestId);
    }
    const { batch } = parsed;
    const all = [...batch.events, ...batch.duplicates].map((e) => e.type);
    span.setAttributes({
      [Attr.viewerId]: batch.viewerId,
      [Attr.engagementBatchId]: batch.batchId,
      [Attr.engagementEvents]: all.length,
    });

    let records: ReadonlyMap<string, ServedRecord>;
    try {
      records = await this.responseRecords(batch.events, log);
    } catch (err) {
      this._metrics.engagementEvents(all, 'unavailable');
      log.error({ err }, 'engagement batch not accepted: response records unreadable');
      throw new EngagementUnavailableError(requestId, err);
    }
    const problems = servedProblems(batch, records);
    if (problems.length > 0) {
      this._metrics.engagementEvents(all, 'rejected');
      log.info({ viewer_id: batch.viewerId, details: problems }, 'engagement batch rejected');
      throw new FeedError('invalid_argument', 'invalid engagement batch', problems, requestId);
    }

    const outcomes = batch.events.map((e) => recordedOutcome(batch.viewerId, e, nowMs));
    const traceparent = activeTraceparent();
    const envelope = envelopeFor(
      {
        // The batch id, not the HTTP request id: a retried POST must map to the same event id.
        requestId: batch.batchId,
        producer: this._producer,
        createdAtMs: nowMs,
        ...(traceparent ? { traceparent } : {}),
      },
      experimentOutcomesWork(batch.batchId, outcomes),
    );
    try {
      await this._outbox.commit([envelope]);
    } catch (err) {
      this._metrics.engagementEvents(all, 'unavailable');
      log.error({ err, batch_id: batch.batchId }, 'engagement batch not accepted: outbox commit failed');
      throw new EngagementUnavailableError(requestId, err);
    }
    this._metrics.engagementEvents(
      batch.events.map((e) => e.type),
      'accepted',
    );
    this._metrics.engagementEvents(
      batch.duplicates.map((e) => e.type),
      'duplicate_in_batch',
    );
    span.setAttributes({
      [Attr.engagementAccepted]: batch.events.length,
      [Attr.engagementDuplicates]: batch.duplicates.length,
    });
    log.debug(
      {
        viewer_id: batch.viewerId,
        batch_id: batch.batchId,
        accepted: batch.events.length,
        duplicates_in_batch: batch.duplicates.length,
      },
      'engagement batch accepted',
    );
    return {
      accepted: batch.events.length,
      duplicates_in_batch: batch.duplicates.length,
      batch_id: batch.batchId,
    };
  }

  /**
   * The response records the batch's events name, by request id, read in one MGET. A record that is
   * missing (expired after 24 h, or never written) is absent from the map; one that cannot be parsed is
   * treated the same way, with a warning. Rejects when Redis cannot be read.
   */
  private async responseRecords(
    events: readonly AcceptedEvent[],
    log: Logger,
  ): Promise<ReadonlyMap<string, ServedRecord>> {
    const ids = [...new Set(events.map((e) => e.requestId).filter((id): id is string => id !== null))];
    if (ids.length === 0) {
      return new Map();
    }
    const raw = await this._redis.mget(...ids.map(responseRecordKey));
    const records = new Map<string, ServedRecord>();
    ids.forEach((id, i) => {
      const text = raw[i];
      if (text === null || text === undefined) {
        return;
      }
      const parsed = ServedRecordSchema.safeParse(safeJson(text));
      if (parsed.success) {
        records.set(id, parsed.data);
      } else {
        log.warn({ response_request_id: id }, 'unreadable response record; event accepted unchecked');
      }
    });
    return records;
  }
}

/**
 * Events that name a response which exists but was served to another viewer, or did not contain the
 * post. A response without a record (expired) cannot be checked and is accepted as is.
 */
export function servedProblems(
  batch: ParsedBatch,
  records: ReadonlyMap<string, ServedRecord>,
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const e of batch.events) {
    const record = e.requestId === null ? undefined : records.get(e.requestId);
    if (record === undefined) {
      continue;
    }
    if (record.viewerId !== batch.viewerId) {
      problems.push({
        field: `events.${e.index}.request_id`,
        reason: `response ${e.requestId} was served to another viewer`,
      });
    } else if (!record.itemIds.includes(e.postId)) {
      problems.push({
        field: `events.${e.index}.post_id`,
        reason: `post ${e.postId} was not served in response ${e.requestId}`,
      });
    }
  }
  return problems;
}

function recordedOutcome(viewerId: string, e: AcceptedEvent, receivedAtMs: number): RecordedOutcome {
  return {
    schema_version: OUTCOME_EVENT_SCHEMA_VERSION,
    client_event_id: e.clientEventId,
    unit_id: viewerId,
    event_type: e.type,
    value: e.value,
    post_id: e.postId,
    request_id: e.requestId,
    occurred_at_ms: e.occurredAtMs,
    received_at_ms: receivedAtMs,
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
