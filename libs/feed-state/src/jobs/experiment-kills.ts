import { createHash } from 'node:crypto';
import { eventIdOf, PermanentJobError, type Envelope, type JobDefinition } from '@foryou/async-work';
import { KillRecordSchema, type KillRecord } from '@foryou/experiments';
import { z } from 'zod';
import type { DurableWork } from './feed-jobs';

/**
 * The kill-switch audit side effect: one `KillRecord`, written to the experiments store (the
 * `experiments.kills` table, which splits the analysis window) by the workers. The kill itself takes
 * effect from Redis (`KillSwitchStore`), in the same transaction that commits this job's envelope, so the
 * audit row can never be missing for a kill that served traffic saw, nor exist for one it did not.
 *
 * Free of pg: the store is injected as a {@link KillSink}, which `ExperimentStore` satisfies.
 * Idempotency lives in the sink: `kill_id` is the table's primary key (`ON CONFLICT DO NOTHING`), so a
 * re-delivered job, a relay re-send or a second envelope of the same kill inserts nothing.
 */
export const EXPERIMENT_KILLS_JOB = 'experiment-kills.record';

/** One kill as the store's row (camelCase); structurally the `KillRow` of experiments-store. */
export interface KillSinkRow {
  readonly killId: string;
  readonly experimentKey: string;
  readonly variant: string | null;
  readonly reason: string;
  readonly actor: string;
  readonly automatic: boolean;
  readonly createdAt: Date;
}

/** Where kills are written, idempotently by kill id (`ExperimentStore` in the workers). */
export interface KillSink {
  recordKill(kill: KillSinkRow): Promise<{ readonly inserted: number; readonly duplicates: number }>;
}

/** Payload of `experiment-kills.record`. */
export interface ExperimentKill {
  readonly kill: KillRecord;
}

const ExperimentKillV1 = z.object({ kill: KillRecordSchema });

export function toKillSinkRow(k: KillRecord): KillSinkRow {
  return {
    killId: k.kill_id,
    experimentKey: k.experiment_key,
    variant: k.variant,
    reason: k.reason,
    actor: k.actor,
    automatic: k.automatic,
    createdAt: new Date(k.created_at_ms),
  };
}

/** SQLSTATE classes 22 (data exception) and 23 (integrity constraint): the row, not the database. */
const INVALID_ROW_SQLSTATE = /^2[23]/;

/**
 * A row the store rejects (its RangeError, or a data/constraint SQLSTATE) can never succeed →
 * `PermanentJobError('invalid_payload')`; anything else (connection refused, timeouts, shutdown) is
 * transient → a plain Error, retried with backoff.
 */
function classifyKillSinkError(err: unknown): Error {
  const message = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: unknown } | null)?.code;
  const state = typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
  if (err instanceof RangeError || (state !== undefined && INVALID_ROW_SQLSTATE.test(state))) {
    return new PermanentJobError('invalid_payload', `kill rejected by the store: ${message}`);
  }
  return new Error(`kill store unavailable: ${message}`, { cause: err });
}

export interface ExperimentKillsJobOptions {
  /** Called once per kill whose audit row this delivery inserted (not for duplicates). */
  readonly recorded?: (kill: KillRecord) => void;
}

/** The job definition, bound to the sink it writes to. Register it only where a sink exists. */
export function experimentKillsJob(
  sink: KillSink,
  options: ExperimentKillsJobOptions = {},
): JobDefinition<ExperimentKill> {
  return {
    type: EXPERIMENT_KILLS_JOB,
    effect: 'RecordExperimentKill',
    pipeline: 'experiments',
    readers: { 1: ExperimentKillV1 },
    handle: async (payload) => {
      let result: { readonly inserted: number; readonly duplicates: number };
      try {
        result = await sink.recordKill(toKillSinkRow(payload.kill));
      } catch (err) {
        throw classifyKillSinkError(err);
      }
      if (result.inserted === 0) {
        return 'duplicate';
      }
      options.recorded?.(payload.kill);
      return 'applied';
    },
  };
}

/** Kill work; the business key is the kill id. */
export function experimentKillWork(kill: KillRecord): DurableWork {
  const payload: ExperimentKill = { kill };
  return {
    type: EXPERIMENT_KILLS_JOB,
    businessKey: kill.kill_id,
    payload,
    schemaVersion: 1,
    minReaderVersion: 1,
  };
}

/**
 * The event id of a kill's audit job, a function of the kill id only: two envelopes of one kill (a
 * racing duplicate `kill()`) collapse onto one BullMQ job. Kill ids outside the job-id alphabet, or
 * long ones, are hashed so that distinct ids never map to the same job id.
 */
export function experimentKillEventId(killId: string): string {
  const safe = /^[A-Za-z0-9._-]{1,120}$/.test(killId)
    ? killId
    : createHash('sha256').update(killId).digest('hex').slice(0, 40);
  return eventIdOf('kill', safe);
}

export interface KillEnvelopeContext {
  readonly producer: string;
  readonly createdAtMs: number;
  /** The request that caused the kill (an admin API request id); default the event id. */
  readonly requestId?: string;
  readonly traceparent?: string;
}

/** The outbox envelope of a kill's audit job. */
export function experimentKillEnvelope(kill: KillRecord, ctx: KillEnvelopeContext): Envelope {
  const work = experimentKillWork(kill);
  const eventId = experimentKillEventId(kill.kill_id);
  return {
    eventId,
    type: work.type,
    schemaVersion: work.schemaVersion,
    minReaderVersion: work.minReaderVersion,
    requestId: ctx.requestId ?? eventId,
    businessKey: work.businessKey,
    producer: ctx.producer,
    createdAtMs: ctx.createdAtMs,
    ...(ctx.traceparent ? { traceparent: ctx.traceparent } : {}),
    payload: work.payload,
  };
}
