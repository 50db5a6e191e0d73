import { PermanentJobError, type JobDefinition } from '@foryou/async-work';
import {
  AssignmentRecordSchema,
  ExposureEventSchema,
  type AssignmentRecord,
  type ExposureEvent,
} from '@foryou/experiments';
import { z } from 'zod';
import type { DurableWork } from './feed-jobs';

/**
 * The experiment-exposure side effect: the exposures of one served request (and, from schema v2, the
 * assignment records of its viewer in those experiments), written to the experiments store by the
 * workers. Producer-agnostic (any service that serves experiment traffic can commit it) and
 * free of pg: the store is injected as an {@link ExposureSink}, which `ExperimentStore` satisfies.
 *
 * Idempotency lives in the sink, not in the Redis inbox: every exposure has a deterministic
 * `exposure_id` and the store inserts it at most once (unique key), so a re-delivered job, a relay
 * re-send or a producer retry with an overlapping exposure writes nothing new.
 */
export const EXPERIMENT_EXPOSURES_JOB = 'experiment-exposures.record';

/** Most exposures one request can carry (one per running experiment it was assigned in). */
export const MAX_EXPOSURES_PER_JOB = 1000;

/** One exposure as the store's row (camelCase); structurally the `ExposureRow` of experiments-store. */
export interface ExposureSinkRow {
  readonly exposureId: string;
  readonly experimentKey: string;
  readonly unitId: string;
  readonly variant: string;
  readonly requestId: string;
  readonly triggered: boolean;
  readonly counterfactual: boolean;
  readonly versionVector: Readonly<Record<string, string>>;
  readonly exposedAt: Date;
  readonly latencyMs: number | null;
  readonly itemsReturned: number | null;
  readonly requestedItems: number | null;
}

/** One assignment as the store's row (camelCase); structurally the `AssignmentRow` of experiments-store. */
export interface AssignmentSinkRow {
  readonly experimentKey: string;
  readonly unitId: string;
  readonly variant: string;
  readonly layer: string;
  readonly bucket: number;
  readonly hashVersion: number;
  readonly eligibilityVersion: number;
  readonly assignedAt: Date;
}

/**
 * Where exposures and assignments are written (`ExperimentStore` in the workers): exposures idempotent
 * by exposure id, assignments by (experiment, unit) — the first assignment of a unit is kept.
 */
export interface ExposureSink {
  recordExposures(
    events: readonly ExposureSinkRow[],
  ): Promise<{ readonly inserted: number; readonly duplicates: number }>;
  recordAssignments(rows: readonly AssignmentSinkRow[]): Promise<{ readonly inserted: number }>;
}

export interface ExperimentExposures {
  readonly requestId: string;
  readonly exposures: readonly ExposureEvent[];
  /** The viewer's assignment in each exposed experiment (v2; v1 jobs carry none). */
  readonly assignments: readonly AssignmentRecord[];
}

const ExperimentExposuresV1 = z
  .object({
    requestId: z.string().min(1).max(256),
    exposures: z.array(ExposureEventSchema).min(1).max(MAX_EXPOSURES_PER_JOB),
  })
  .transform((v): ExperimentExposures => ({ ...v, assignments: [] }));

const ExperimentExposuresV2 = z.object({
  requestId: z.string().min(1).max(256),
  exposures: z.array(ExposureEventSchema).min(1).max(MAX_EXPOSURES_PER_JOB),
  assignments: z.array(AssignmentRecordSchema).max(MAX_EXPOSURES_PER_JOB),
});

export function toExposureSinkRow(e: ExposureEvent): ExposureSinkRow {
  return {
    exposureId: e.exposure_id,
    experimentKey: e.experiment_key,
    unitId: e.unit_id,
    variant: e.variant,
    requestId: e.request_id,
    triggered: e.triggered,
    counterfactual: e.counterfactual,
    versionVector: e.version_vector,
    exposedAt: new Date(e.exposed_at_ms),
    latencyMs: e.serving?.latency_ms ?? null,
    itemsReturned: e.serving?.items_returned ?? null,
    requestedItems: e.serving?.requested_items ?? null,
  };
}

export function toAssignmentSinkRow(a: AssignmentRecord): AssignmentSinkRow {
  return {
    experimentKey: a.experiment_key,
    unitId: a.unit_id,
    variant: a.variant,
    layer: a.layer,
    bucket: a.bucket,
    hashVersion: a.hash_version,
    eligibilityVersion: a.eligibility_version,
    assignedAt: new Date(a.assigned_at_ms),
  };
}

/** SQLSTATE classes 22 (data exception) and 23 (integrity constraint): the rows, not the database. */
const INVALID_ROW_SQLSTATE = /^2[23]/;

function sqlState(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/**
 * What a sink failure means for the job: rows the store rejects (its validation's RangeError, or a
 * data/constraint SQLSTATE) can never succeed → `PermanentJobError('invalid_payload')`; anything else
 * (connection refused or reset, timeouts, the server shutting down) is transient → a plain Error, retried
 * with backoff.
 */
export function classifySinkError(err: unknown): Error {
  const message = err instanceof Error ? err.message : String(err);
  const state = sqlState(err);
  if (err instanceof RangeError || (state !== undefined && INVALID_ROW_SQLSTATE.test(state))) {
    return new PermanentJobError('invalid_payload', `exposures rejected by the store: ${message}`);
  }
  return new Error(`exposure store unavailable: ${message}`, { cause: err });
}

/** The job definition, bound to the sink it writes to. Register it only where a sink exists. */
export function experimentExposuresJob(sink: ExposureSink): JobDefinition<ExperimentExposures> {
  return {
    type: EXPERIMENT_EXPOSURES_JOB,
    effect: 'RecordExperimentExposures',
    pipeline: 'experiments',
    readers: { 1: ExperimentExposuresV1, 2: ExperimentExposuresV2 },
    handle: async (payload) => {
      let result: { readonly inserted: number; readonly duplicates: number };
      try {
        // Assignments first: an exposure on record always has its unit's assignment on record.
        if (payload.assignments.length > 0) {
          await sink.recordAssignments(payload.assignments.map(toAssignmentSinkRow));
        }
        result = await sink.recordExposures(payload.exposures.map(toExposureSinkRow));
      } catch (err) {
        throw classifySinkError(err);
      }
      return result.inserted === 0 && result.duplicates === payload.exposures.length
        ? 'duplicate'
        : 'applied';
    },
  };
}

/**
 * Exposure work for one served request; the business key is the request id. Schema v2 (with the
 * assignments): a v1-only worker quarantines it as needing a newer reader instead of dropping them.
 */
export function experimentExposuresWork(
  requestId: string,
  exposures: readonly ExposureEvent[],
  assignments: readonly AssignmentRecord[],
): DurableWork {
  if (exposures.length === 0) {
    throw new RangeError('experimentExposuresWork: no exposures (commit no work instead)');
  }
  const payload: ExperimentExposures = { requestId, exposures, assignments };
  return {
    type: EXPERIMENT_EXPOSURES_JOB,
    businessKey: requestId,
    payload,
    schemaVersion: 2,
    minReaderVersion: 2,
  };
}
