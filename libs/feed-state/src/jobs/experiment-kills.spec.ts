import {
  defineJob,
  EVENT_ID_PATTERN,
  EnvelopeSchema,
  JobRegistry,
  PermanentJobError,
  type HandlerContext,
} from '@foryou/async-work';
import { KILL_RECORD_SCHEMA_VERSION, type KillRecord } from '@foryou/experiments';
import { killIdFor } from '../experiment-kills';
import {
  EXPERIMENT_KILLS_JOB,
  experimentKillEnvelope,
  experimentKillEventId,
  experimentKillsJob,
  type KillSink,
  type KillSinkRow,
} from './experiment-kills';

const kill = (over: Partial<KillRecord> = {}): KillRecord => ({
  schema_version: KILL_RECORD_SCHEMA_VERSION,
  kill_id: 'exp-a._experiment',
  experiment_key: 'exp-a',
  variant: null,
  reason: 'hide rate doubled',
  actor: 'alice',
  automatic: false,
  created_at_ms: 1_700_000_000_000,
  ...over,
});

/** Remembers kill ids like the store's primary key does. */
class FakeSink implements KillSink {
  readonly rows = new Map<string, KillSinkRow>();
  fail: Error | undefined;

  recordKill(row: KillSinkRow): Promise<{ inserted: number; duplicates: number }> {
    if (this.fail !== undefined) {
      return Promise.reject(this.fail);
    }
    if (this.rows.has(row.killId)) {
      return Promise.resolve({ inserted: 0, duplicates: 1 });
    }
    this.rows.set(row.killId, row);
    return Promise.resolve({ inserted: 1, duplicates: 0 });
  }
}

const ctx = { attempt: 1 } as unknown as HandlerContext;

function handle(
  sink: KillSink,
  envelope = experimentKillEnvelope(kill(), { producer: 't@0', createdAtMs: 1 }),
) {
  const recorded: KillRecord[] = [];
  const registry = new JobRegistry([
    defineJob(experimentKillsJob(sink, { recorded: (k) => recorded.push(k) })),
  ]);
  const read = registry.read(envelope);
  return { run: () => read.definition.handle(read.payload, ctx), recorded };
}

describe(EXPERIMENT_KILLS_JOB, () => {
  it('builds a valid envelope whose event id depends on the kill id only', () => {
    const a = experimentKillEnvelope(kill(), {
      producer: 'home-mixer@1',
      createdAtMs: 5,
      requestId: 'req-1',
    });
    const b = experimentKillEnvelope(kill({ reason: 'other' }), { producer: 'workers@1', createdAtMs: 9 });
    expect(EnvelopeSchema.parse(a)).toMatchObject({
      type: EXPERIMENT_KILLS_JOB,
      businessKey: 'exp-a._experiment',
      requestId: 'req-1',
      schemaVersion: 1,
      minReaderVersion: 1,
    });
    expect(a.eventId).toBe(b.eventId);
    expect(b.requestId).toBe(b.eventId);
    expect(a.eventId).not.toBe(
      experimentKillEnvelope(kill({ kill_id: 'x' }), { producer: 'p', createdAtMs: 1 }).eventId,
    );
  });

  it('hashes kill ids outside the job-id alphabet so that distinct ids never share a job', () => {
    const ids = ['a:b', 'a_b', 'a b', 'x'.repeat(200), `${'x'.repeat(200)}y`];
    const eventIds = ids.map(experimentKillEventId);
    expect(new Set(eventIds).size).toBe(ids.length);
    for (const id of eventIds) {
      expect(id).toMatch(EVENT_ID_PATTERN);
    }
  });

  it('writes the audit row once: a re-delivery is a duplicate and is not reported as recorded', async () => {
    const sink = new FakeSink();
    const first = handle(sink);
    await expect(first.run()).resolves.toBe('applied');
    expect(first.recorded.map((k) => k.kill_id)).toEqual(['exp-a._experiment']);
    expect(sink.rows.get('exp-a._experiment')).toEqual({
      killId: 'exp-a._experiment',
      experimentKey: 'exp-a',
      variant: null,
      reason: 'hide rate doubled',
      actor: 'alice',
      automatic: false,
      createdAt: new Date(1_700_000_000_000),
    });
    const again = handle(sink);
    await expect(again.run()).resolves.toBe('duplicate');
    expect(again.recorded).toEqual([]);
  });

  it('quarantines a payload that is not a kill record, and rows the store rejects', async () => {
    const bad = {
      ...experimentKillEnvelope(kill(), { producer: 'p', createdAtMs: 1 }),
      payload: { kill: { kill_id: 'x' } },
    };
    expect(() => handle(new FakeSink(), bad)).toThrow(PermanentJobError);

    const sink = new FakeSink();
    sink.fail = Object.assign(new Error('value too long'), { code: '22001' });
    await expect(handle(sink).run()).rejects.toMatchObject({ reason: 'invalid_payload' });
    sink.fail = new RangeError('kill.reason must be non-empty');
    await expect(handle(sink).run()).rejects.toBeInstanceOf(PermanentJobError);
  });

  it('retries when the database is down', async () => {
    const sink = new FakeSink();
    sink.fail = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const err = await handle(sink)
      .run()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(PermanentJobError);
    expect((err as Error).message).toContain('kill store unavailable');
  });
});

describe(killIdFor.name, () => {
  it('gives one id per target; killing control is killing the experiment', () => {
    expect(killIdFor('exp-a', null)).toBe('exp-a._experiment');
    expect(killIdFor('exp-a', 'control')).toBe(killIdFor('exp-a', null));
    expect(killIdFor('exp-a', 'treatment')).toBe('exp-a.treatment');
    expect(killIdFor('exp-a', 'treatment')).not.toBe(killIdFor('exp-a', 'treatment-2'));
  });
});
