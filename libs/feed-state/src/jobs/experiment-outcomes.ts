import { PermanentJobError, type JobDefinition } from '@foryou/async-work';
import { OutcomeEventSchema, type OutcomeEventType } from '@foryou/experiments';
import { z } from 'zod';
import { classifySinkError } from './experiment-exposures';
import type { DurableWork } from './feed-jobs';

/**
 * The experiment-outcome side effect: one accepted batch of engagement events (favorite, dwell, …),
 * written to the experiments store by the workers. Producer-agnostic and free of pg: the store is
 * injected as an {@link OutcomeSink}, which `ExperimentStore` satisfies.
 *
 * Idempotency lives in the sink, not in the Redis inbox: outcomes are unique on (unit id, client event
 * id), so a re-delivered job, a relay re-send, or a client re-sending the same events in another batch
 * writes nothing new — while distinct events (distinct client ids) are all kept.
 */
export const EXPERIMENT_OUTCOMES_JOB = 'experiment-outcomes.record';

/** Most outcomes one job carries (the engagement endpoint's batch limit). */
export const MAX_OUTCOMES_PER_JOB = 500;

/**
 * One outcome as the job carries it: the experiments {@link OutcomeEventSchema} with `request_id`
 * null when the client did not say which response served the post, plus the server's receive time.
 */
export const RecordedOutcomeSchema = OutcomeEventSchema.extend({
  request_id: z.string().min(1).max(256).nullable(),
  received_at_ms: z.int().nonnegative(),
});
export type RecordedOutcome = z.infer<typeof RecordedOutcomeSchema>;

/** One outcome as the store's row (camelCase); structurally the `OutcomeRow` of experiments-store. */
export interface OutcomeSinkRow {
  readonly clientEventId: string;
  readonly unitId: string;
  readonly eventType: OutcomeEventType;
  readonly value: number;
  readonly postId: string | null;
  readonly requestId: string | null;
  readonly occurredAt: Date;
  readonly receivedAt: Date;
}

/** Where outcomes are written, idempotently by (unit id, client event id) (`ExperimentStore` in the workers). */
export interface OutcomeSink {
  recordOutcomes(
    rows: readonly OutcomeSinkRow[],
  ): Promise<{ readonly inserted: number; readonly duplicates: number }>;
}

export interface ExperimentOutcomes {
  /** The producer's batch id (the business key): stable across retries of the same batch. */
  readonly batchId: string;
  readonly outcomes: readonly RecordedOutcome[];
}

const ExperimentOutcomesV1 = z.object({
  batchId: z.string().min(1).max(200),
  outcomes: z.array(RecordedOutcomeSchema).min(1).max(MAX_OUTCOMES_PER_JOB),
});

export function toOutcomeSinkRow(o: RecordedOutcome): OutcomeSinkRow {
  return {
    clientEventId: o.client_event_id,
    unitId: o.unit_id,
    eventType: o.event_type,
    value: o.value,
    postId: o.post_id,
    requestId: o.request_id,
    occurredAt: new Date(o.occurred_at_ms),
    receivedAt: new Date(o.received_at_ms),
  };
}

/**
 * What a sink failure means for the job (the rule of {@link classifySinkError}, worded for outcomes):
 * rows the store rejects → `PermanentJobError('invalid_payload')`, quarantined at once; anything else
 * (the database away, timeouts) → a plain Error, retried with backoff.
 */
export function classifyOutcomeSinkError(err: unknown): Error {
  const message = err instanceof Error ? err.message : String(err);
  return classifySinkError(err) instanceof PermanentJobError
    ? new PermanentJobError('invalid_payload', `outcomes rejected by the store: ${message}`)
    : new Error(`outcome store unavailable: ${message}`, { cause: err });
}

/** The job definition, bound to the sink it writes to. Register it only where a sink exists. */
export function experimentOutcomesJob(sink: OutcomeSink): JobDefinition<ExperimentOutcomes> {
  return {
    type: EXPERIMENT_OUTCOMES_JOB,
    effect: 'RecordExperimentOutcomes',
    pipeline: 'experiments',
    readers: { 1: ExperimentOutcomesV1 },
    handle: async (payload) => {
      let result: { readonly inserted: number; readonly duplicates: number };
      try {
        result = await sink.recordOutcomes(payload.outcomes.map(toOutcomeSinkRow));
      } catch (err) {
        throw classifyOutcomeSinkError(err);
      }
      return result.inserted === 0 ? 'duplicate' : 'applied';
    },
  };
}

/**
 * Outcome work for one accepted batch; the business key is `batchId`, which the producer must derive
 * from the batch's identity (e.g. viewer + client event ids) so a retried batch maps to the same event.
 */
export function experimentOutcomesWork(batchId: string, outcomes: readonly RecordedOutcome[]): DurableWork {
  if (outcomes.length === 0) {
    throw new RangeError('experimentOutcomesWork: no outcomes (commit no work instead)');
  }
  if (outcomes.length > MAX_OUTCOMES_PER_JOB) {
    throw new RangeError(
      `experimentOutcomesWork: ${outcomes.length} outcomes, at most ${MAX_OUTCOMES_PER_JOB} per job`,
    );
  }
  const payload: ExperimentOutcomes = { batchId, outcomes };
  return {
    type: EXPERIMENT_OUTCOMES_JOB,
    businessKey: batchId,
    payload,
    schemaVersion: 1,
    minReaderVersion: 1,
  };
}
