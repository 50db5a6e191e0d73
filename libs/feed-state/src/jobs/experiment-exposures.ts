import { PermanentJobError, type JobDefinition } from '@foryou/async-work';
import { ExposureEventSchema, type ExposureEvent } from '@foryou/experiments';
import { z } from 'zod';
import type { DurableWork } from './feed-jobs';

/**
 * The experiment-exposure side effect: the exposures of one served request, written to the experiments
 * store by the workers. Producer-agnostic (any service that serves experiment traffic can commit it) and
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
}

/** Where exposures are written, idempotently by exposure id (`ExperimentStore` in the workers). */
export interface ExposureSink {
  recordExposures(
    events: readonly ExposureSinkRow[],
  ): Promise<{ readonly inserted: number; readonly duplicates: number }>;
}

export interface ExperimentExposures {
  readonly requestId: string;
  readonly exposures: readonly ExposureEvent[];
}

const ExperimentExposuresV1 = z.object({
  requestId: z.string().min(1).max(256),
  exposures: z.array(ExposureEventSchema).min(1).max(MAX_EXPOSURES_PER_JOB),
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
    readers: { 1: ExperimentExposuresV1 },
    handle: async (payload) => {
      let result: { readonly inserted: number; readonly duplicates: number };
      try {
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

/** Exposure work for one served request; the business key is the request id. */
export function experimentExposuresWork(requestId: string, exposures: readonly ExposureEvent[]): DurableWork {
  if (exposures.length === 0) {
    throw new RangeError('experimentExposuresWork: no exposures (commit no work instead)');
  }
  const payload: ExperimentExposures = { requestId, exposures };
  return {
    type: EXPERIMENT_EXPOSURES_JOB,
    businessKey: requestId,
    payload,
    schemaVersion: 1,
    minReaderVersion: 1,
  };
}
