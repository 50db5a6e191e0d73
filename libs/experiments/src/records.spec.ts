import { assign, assignmentFor, type ExperimentAssignment } from './assign';
import {
  AssignmentRecordSchema,
  ExposureEventSchema,
  KillRecordSchema,
  OUTCOME_EVENT_SCHEMA_VERSION,
  OutcomeEventSchema,
} from './events';
import { applyKills } from './kills';
import { exposureId, toAssignmentRecord, toExposureEvent } from './records';
import { CONTEXT, definition, killRecord, unitIds } from './testing/fixtures';

const d = definition('exp', { eligibility_version: 4 });
const VERSIONS = {
  code: 'abc123',
  schema: 'feed-response-v1',
  params: 'v1',
  model: 'm1',
  corpus: 'c1',
  cache_key: 'k1',
};

function firstIn(variant: string): [string, ExperimentAssignment] {
  for (const id of unitIds(1000)) {
    const a = assignmentFor(assign(id, [d], CONTEXT), 'exp')!;
    if (a.variant === variant) {
      return [id, a];
    }
  }
  throw new Error(`no unit in ${variant}`);
}

describe('toAssignmentRecord', () => {
  it('builds a valid record carrying bucket, hash and eligibility versions', () => {
    const [id, a] = firstIn('treatment');
    const record = toAssignmentRecord(id, a, 1_000);
    expect(AssignmentRecordSchema.parse(record)).toEqual({
      schema_version: 'experiment-assignment-v1',
      experiment_key: 'exp',
      unit_id: id,
      variant: 'treatment',
      layer: 'layer-a',
      bucket: a.bucket,
      hash_version: 2,
      eligibility_version: 4,
      assigned_at_ms: 1_000,
    });
  });

  it('returns null outside the analysis population', () => {
    const [killed] = applyKills([d], [killRecord('exp', null)]);
    const a = assignmentFor(assign('v', [killed!], CONTEXT), 'exp')!;
    expect(toAssignmentRecord('v', a, 1)).toBeNull();
  });
});

describe('toExposureEvent', () => {
  const input = (triggered: boolean, unitId: string) => ({
    unitId,
    requestId: 'req-0001',
    triggered,
    versionVector: VERSIONS,
    exposedAtMs: 2_000,
  });

  it('marks triggered control exposures as counterfactual, treatment ones not', () => {
    const [cid, control] = firstIn('control');
    const [tid, treatment] = firstIn('treatment');
    const c = ExposureEventSchema.parse(toExposureEvent(control, input(true, cid)));
    const t = ExposureEventSchema.parse(toExposureEvent(treatment, input(true, tid)));
    expect(c).toMatchObject({
      variant: 'control',
      triggered: true,
      counterfactual: true,
      exposure_id: 'req-0001:exp',
    });
    expect(t).toMatchObject({ variant: 'treatment', triggered: true, counterfactual: false });
    expect(toExposureEvent(control, input(false, cid))).toMatchObject({
      triggered: false,
      counterfactual: false,
    });
    expect(c.version_vector).toEqual(VERSIONS);
  });

  it('never logs a killed variant as treatment (no exposure at all)', () => {
    const [id] = firstIn('treatment');
    const [killed] = applyKills([d], [killRecord('exp', 'treatment')]);
    const a = assignmentFor(assign(id, [killed!], CONTEXT), 'exp')!;
    expect(a.status).toBe('killed_variant');
    expect(toExposureEvent(a, input(true, id))).toBeNull();
  });

  it('uses a deterministic exposure id per (request, experiment)', () => {
    expect(exposureId('r1', 'exp')).toBe(exposureId('r1', 'exp'));
    expect(exposureId('r1', 'exp')).not.toBe(exposureId('r2', 'exp'));
  });
});

describe('event schemas', () => {
  it('rejects a counterfactual exposure that was not triggered', () => {
    const [id, control] = firstIn('control');
    const e = {
      ...toExposureEvent(control, {
        unitId: id,
        requestId: 'r',
        triggered: false,
        versionVector: {},
        exposedAtMs: 1,
      })!,
    };
    expect(ExposureEventSchema.safeParse({ ...e, counterfactual: true }).success).toBe(false);
  });

  it('validates outcome events (types, non-negative value, schema version)', () => {
    const outcome = {
      schema_version: OUTCOME_EVENT_SCHEMA_VERSION,
      client_event_id: 'ce-1',
      unit_id: 'xiaolin',
      event_type: 'dwell',
      value: 5400,
      post_id: 'A',
      request_id: 'req-0001',
      occurred_at_ms: 3_000,
    };
    expect(OutcomeEventSchema.parse(outcome)).toEqual(outcome);
    expect(OutcomeEventSchema.safeParse({ ...outcome, event_type: 'like' }).success).toBe(false);
    expect(OutcomeEventSchema.safeParse({ ...outcome, value: -1 }).success).toBe(false);
    expect(
      OutcomeEventSchema.safeParse({ ...outcome, schema_version: 'experiment-outcome-v0' }).success,
    ).toBe(false);
  });

  it('validates kill records', () => {
    expect(KillRecordSchema.parse(killRecord('exp', null))).toMatchObject({ variant: null, automatic: true });
    expect(KillRecordSchema.safeParse({ ...killRecord('exp', 'b'), reason: '' }).success).toBe(false);
  });
});
