import {
  defineJob,
  eventIdOf,
  JobRegistry,
  PermanentJobError,
  type HandlerContext,
} from '@foryou/async-work';
import { OUTCOME_EVENT_SCHEMA_VERSION } from '@foryou/experiments';
import { envelopeFor } from './feed-jobs';
import {
  classifyOutcomeSinkError,
  EXPERIMENT_OUTCOMES_JOB,
  experimentOutcomesJob,
  experimentOutcomesWork,
  MAX_OUTCOMES_PER_JOB,
  type OutcomeSink,
  type OutcomeSinkRow,
  type RecordedOutcome,
} from './experiment-outcomes';

const outcome = (clientEventId: string, over: Partial<RecordedOutcome> = {}): RecordedOutcome => ({
  schema_version: OUTCOME_EVENT_SCHEMA_VERSION,
  client_event_id: clientEventId,
  unit_id: 'viewer-1',
  event_type: 'favorite',
  value: 1,
  post_id: 'p1',
  request_id: 'req-1',
  occurred_at_ms: 1_700_000_000_000,
  received_at_ms: 1_700_000_001_000,
  ...over,
});

/** Remembers (unit, client event id) like the store's primary key does. */
class FakeSink implements OutcomeSink {
  readonly keys = new Set<string>();
  readonly calls: OutcomeSinkRow[][] = [];
  fail: Error | undefined;

  recordOutcomes(rows: readonly OutcomeSinkRow[]): Promise<{ inserted: number; duplicates: number }> {
    this.calls.push([...rows]);
    if (this.fail !== undefined) {
      return Promise.reject(this.fail);
    }
    let inserted = 0;
    for (const r of rows) {
      const key = `${r.unitId}\u0000${r.clientEventId}`;
      if (!this.keys.has(key)) {
        this.keys.add(key);
        inserted++;
      }
    }
    return Promise.resolve({ inserted, duplicates: rows.length - inserted });
  }
}

const ctx = { attempt: 1 } as unknown as HandlerContext;
const ctxOf = { requestId: 'batch-1', producer: 'test@0', createdAtMs: 1 };

function read(payload: unknown) {
  const registry = new JobRegistry([defineJob(experimentOutcomesJob(new FakeSink()))]);
  const envelope = { ...envelopeFor(ctxOf, experimentOutcomesWork('batch-1', [outcome('e1')])), payload };
  return registry.read(envelope);
}

describe('experiment-outcomes.record', () => {
  it('builds work keyed by the batch id, so a retried batch is the same event', () => {
    const work = experimentOutcomesWork('batch-1', [outcome('e1')]);
    expect(work).toMatchObject({
      type: EXPERIMENT_OUTCOMES_JOB,
      businessKey: 'batch-1',
      schemaVersion: 1,
      minReaderVersion: 1,
    });
    expect(envelopeFor(ctxOf, work).eventId).toBe(eventIdOf('batch-1', EXPERIMENT_OUTCOMES_JOB));
    expect(() => experimentOutcomesWork('batch-1', [])).toThrow(RangeError);
    const tooMany = Array.from({ length: MAX_OUTCOMES_PER_JOB + 1 }, (_, i) => outcome(`e${i}`));
    expect(() => experimentOutcomesWork('batch-1', tooMany)).toThrow(RangeError);
  });

  it('reads v1 payloads: the experiments outcome schema with a nullable request id', () => {
    const payload = {
      batchId: 'batch-1',
      outcomes: [outcome('e1'), outcome('e2', { request_id: null, event_type: 'dwell', value: 5400 })],
    };
    expect(read(payload).payload).toEqual(payload);
    for (const bad of [
      { batchId: 'batch-1', outcomes: [] },
      { batchId: 'batch-1', outcomes: [outcome('e1', { event_type: 'like' as never })] },
      { batchId: 'batch-1', outcomes: [outcome('e1', { value: -1 })] },
      { batchId: 'batch-1', outcomes: [{ ...outcome('e1'), schema_version: 'v0' }] },
      { batchId: 'batch-1', outcomes: [{ ...outcome('e1'), extra: 1 }] },
      { batchId: 'batch-1', outcomes: [{ ...outcome('e1'), received_at_ms: undefined }] },
      { batchId: 'batch-1', outcomes: [outcome('e1', { occurred_at_ms: 1.5 })] },
      { outcomes: [outcome('e1')] },
    ]) {
      expect(() => read(bad)).toThrow(PermanentJobError);
    }
  });

  it('maps outcomes to store rows and the store result to an outcome', async () => {
    const sink = new FakeSink();
    const job = experimentOutcomesJob(sink);
    const first = [outcome('e1'), outcome('e2', { event_type: 'dwell', value: 5400, request_id: null })];
    await expect(job.handle({ batchId: 'b1', outcomes: first }, ctx)).resolves.toBe('applied');
    expect(sink.calls[0]).toEqual([
      {
        clientEventId: 'e1',
        unitId: 'viewer-1',
        eventType: 'favorite',
        value: 1,
        postId: 'p1',
        requestId: 'req-1',
        occurredAt: new Date(1_700_000_000_000),
        receivedAt: new Date(1_700_000_001_000),
      },
      expect.objectContaining({ clientEventId: 'e2', eventType: 'dwell', value: 5400, requestId: null }),
    ]);
    // a re-delivery (or a client retry in another batch) writes nothing: duplicate
    await expect(job.handle({ batchId: 'b1', outcomes: first }, ctx)).resolves.toBe('duplicate');
    // partly new: applied; the same client id of another unit is another event
    const second = [outcome('e1'), outcome('e1', { unit_id: 'viewer-2' })];
    await expect(job.handle({ batchId: 'b2', outcomes: second }, ctx)).resolves.toBe('applied');
    expect(sink.keys.size).toBe(3);
  });

  it('classifies store failures: invalid rows are permanent, the database being away is transient', async () => {
    const sink = new FakeSink();
    const job = experimentOutcomesJob(sink);
    const payload = { batchId: 'b1', outcomes: [outcome('e1')] };

    for (const err of [
      new RangeError('outcomes[0].occurredAt: must be a valid Date'),
      Object.assign(new Error('new row violates check constraint "outcomes_value_finite"'), {
        code: '23514',
      }),
    ]) {
      sink.fail = err;
      const invalid = await job.handle(payload, ctx).catch((e: unknown) => e);
      expect(invalid).toBeInstanceOf(PermanentJobError);
      expect((invalid as PermanentJobError).reason).toBe('invalid_payload');
      expect((invalid as Error).message).toContain('outcomes rejected by the store');
    }

    for (const err of [
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
      new Error('Connection terminated unexpectedly'),
    ]) {
      sink.fail = err;
      const transient = await job.handle(payload, ctx).catch((e: unknown) => e);
      expect(transient).toBeInstanceOf(Error);
      expect(transient).not.toBeInstanceOf(PermanentJobError);
      expect((transient as Error).cause).toBe(err);
    }
    expect(classifyOutcomeSinkError('boom')).not.toBeInstanceOf(PermanentJobError);
  });
});
