import {
  defineJob,
  eventIdOf,
  JobRegistry,
  PermanentJobError,
  type HandlerContext,
} from '@foryou/async-work';
import {
  ASSIGNMENT_RECORD_SCHEMA_VERSION,
  EXPOSURE_EVENT_SCHEMA_VERSION,
  type AssignmentRecord,
  type ExposureEvent,
} from '@foryou/experiments';
import {
  classifySinkError,
  EXPERIMENT_EXPOSURES_JOB,
  experimentExposuresJob,
  experimentExposuresWork,
  type AssignmentSinkRow,
  type ExposureSink,
  type ExposureSinkRow,
} from './experiment-exposures';
import { envelopeFor } from './feed-jobs';

const exposure = (
  requestId: string,
  experimentKey: string,
  over: Partial<ExposureEvent> = {},
): ExposureEvent => ({
  schema_version: EXPOSURE_EVENT_SCHEMA_VERSION,
  exposure_id: `${requestId}:${experimentKey}`,
  experiment_key: experimentKey,
  unit_id: 'viewer-1',
  variant: 'control',
  request_id: requestId,
  triggered: true,
  counterfactual: true,
  version_vector: { code: '1' },
  exposed_at_ms: 1_700_000_000_000,
  ...over,
});

const assignment = (experimentKey: string): AssignmentRecord => ({
  schema_version: ASSIGNMENT_RECORD_SCHEMA_VERSION,
  experiment_key: experimentKey,
  unit_id: 'viewer-1',
  variant: 'control',
  layer: 'layer-a',
  bucket: 42,
  hash_version: 2,
  eligibility_version: 1,
  assigned_at_ms: 1_700_000_000_000,
});

/** Remembers exposure ids and assignment keys like the store's unique keys do. */
class FakeSink implements ExposureSink {
  readonly ids = new Set<string>();
  readonly calls: ExposureSinkRow[][] = [];
  readonly assignments = new Map<string, AssignmentSinkRow>();
  readonly order: string[] = [];
  fail: Error | undefined;

  recordAssignments(rows: readonly AssignmentSinkRow[]): Promise<{ inserted: number }> {
    this.order.push('assignments');
    let inserted = 0;
    for (const r of rows) {
      const key = `${r.experimentKey}/${r.unitId}`;
      if (!this.assignments.has(key)) {
        this.assignments.set(key, r);
        inserted++;
      }
    }
    return Promise.resolve({ inserted });
  }

  recordExposures(rows: readonly ExposureSinkRow[]): Promise<{ inserted: number; duplicates: number }> {
    this.calls.push([...rows]);
    this.order.push('exposures');
    if (this.fail !== undefined) {
      return Promise.reject(this.fail);
    }
    let inserted = 0;
    for (const r of rows) {
      if (!this.ids.has(r.exposureId)) {
        this.ids.add(r.exposureId);
        inserted++;
      }
    }
    return Promise.resolve({ inserted, duplicates: rows.length - inserted });
  }
}

const ctx = { attempt: 1 } as unknown as HandlerContext;
const ctxOf = { requestId: 'req-1', producer: 'test@0', createdAtMs: 1 };

function read(sink: ExposureSink, payload: unknown) {
  const registry = new JobRegistry([defineJob(experimentExposuresJob(sink))]);
  const envelope = {
    ...envelopeFor(ctxOf, experimentExposuresWork('req-1', [exposure('req-1', 'exp_a')], [])),
    payload,
  };
  return registry.read(envelope);
}

/** The same, as a v1 producer would have sent it. */
function readV1(sink: ExposureSink, payload: unknown) {
  const registry = new JobRegistry([defineJob(experimentExposuresJob(sink))]);
  const work = experimentExposuresWork('req-1', [exposure('req-1', 'exp_a')], []);
  const envelope = { ...envelopeFor(ctxOf, { ...work, schemaVersion: 1, minReaderVersion: 1 }), payload };
  return registry.read(envelope);
}

describe('experiment-exposures.record', () => {
  it('builds work keyed by the request id, one event per request', () => {
    const work = experimentExposuresWork('req-1', [exposure('req-1', 'exp_a')], [assignment('exp_a')]);
    expect(work).toMatchObject({
      type: EXPERIMENT_EXPOSURES_JOB,
      businessKey: 'req-1',
      schemaVersion: 2,
      minReaderVersion: 2,
    });
    expect(envelopeFor(ctxOf, work).eventId).toBe(eventIdOf('req-1', EXPERIMENT_EXPOSURES_JOB));
    expect(() => experimentExposuresWork('req-1', [], [])).toThrow(RangeError);
  });

  it('reads v1 payloads (no assignments) and v2 payloads (with them)', () => {
    const sink = new FakeSink();
    const v1 = { requestId: 'req-1', exposures: [exposure('req-1', 'exp_a')] };
    expect(readV1(sink, v1).payload).toEqual({ ...v1, assignments: [] });
    const v2 = { ...v1, assignments: [assignment('exp_a')] };
    expect(read(sink, v2).payload).toEqual(v2);
    expect(() => read(sink, v1)).toThrow(PermanentJobError);
    expect(() => read(sink, { ...v2, assignments: [{ ...assignment('exp_a'), bucket: 10_000 }] })).toThrow(
      PermanentJobError,
    );
    const payload = v2;
    // zod errors become invalid_payload: a counterfactual that was not triggered, an unknown schema
    // version, an unknown field (strict), an empty list.
    for (const bad of [
      { ...payload, exposures: [exposure('req-1', 'exp_a', { triggered: false })] },
      { ...payload, exposures: [{ ...exposure('req-1', 'exp_a'), schema_version: 'v0' }] },
      { ...payload, exposures: [{ ...exposure('req-1', 'exp_a'), extra: 1 }] },
      { ...payload, exposures: [] },
      { exposures: [exposure('req-1', 'exp_a')], assignments: [] },
    ]) {
      expect(() => read(sink, bad)).toThrow(PermanentJobError);
    }
  });

  it('maps events to store rows and the store result to an outcome', async () => {
    const sink = new FakeSink();
    const job = experimentExposuresJob(sink);
    const first = [
      exposure('req-1', 'exp_a', { serving: { latency_ms: 42.5, items_returned: 3, requested_items: 20 } }),
      exposure('req-1', 'exp_b'),
    ];
    const assignments = [assignment('exp_a'), assignment('exp_b')];
    await expect(job.handle({ requestId: 'req-1', exposures: first, assignments }, ctx)).resolves.toBe(
      'applied',
    );
    // assignments are on record before the exposures that need them
    expect(sink.order).toEqual(['assignments', 'exposures']);
    expect(sink.assignments.get('exp_a/viewer-1')).toEqual({
      experimentKey: 'exp_a',
      unitId: 'viewer-1',
      variant: 'control',
      layer: 'layer-a',
      bucket: 42,
      hashVersion: 2,
      eligibilityVersion: 1,
      assignedAt: new Date(1_700_000_000_000),
    });
    expect(sink.calls[0]![1]).toMatchObject({ latencyMs: null, itemsReturned: null, requestedItems: null });
    expect(sink.calls[0]![0]).toEqual({
      exposureId: 'req-1:exp_a',
      experimentKey: 'exp_a',
      unitId: 'viewer-1',
      variant: 'control',
      requestId: 'req-1',
      triggered: true,
      counterfactual: true,
      versionVector: { code: '1' },
      exposedAt: new Date(1_700_000_000_000),
      latencyMs: 42.5,
      itemsReturned: 3,
      requestedItems: 20,
    });
    // a re-delivery writes nothing: duplicate
    await expect(job.handle({ requestId: 'req-1', exposures: first, assignments }, ctx)).resolves.toBe(
      'duplicate',
    );
    // partly new: applied
    const second = [exposure('req-1', 'exp_a'), exposure('req-2', 'exp_a')];
    await expect(job.handle({ requestId: 'req-2', exposures: second, assignments: [] }, ctx)).resolves.toBe(
      'applied',
    );
    expect([...sink.ids].sort()).toEqual(['req-1:exp_a', 'req-1:exp_b', 'req-2:exp_a']);
  });

  it('classifies store failures: invalid rows are permanent, the database being away is transient', async () => {
    const sink = new FakeSink();
    const job = experimentExposuresJob(sink);
    const payload = { requestId: 'req-1', exposures: [exposure('req-1', 'exp_a')], assignments: [] };

    sink.fail = new RangeError('batch[0].exposedAt: not a valid date');
    const invalid = await job.handle(payload, ctx).catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(PermanentJobError);
    expect((invalid as PermanentJobError).reason).toBe('invalid_payload');

    sink.fail = Object.assign(new Error('value too long for type character varying'), { code: '22001' });
    await expect(job.handle(payload, ctx)).rejects.toBeInstanceOf(PermanentJobError);

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
    expect(classifySinkError('boom')).not.toBeInstanceOf(PermanentJobError);
  });
});
