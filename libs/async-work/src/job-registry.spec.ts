import { z } from 'zod';
import type { Envelope } from './envelope';
import { PermanentJobError } from './errors';
import { defineJob, JobRegistry, type JobDefinition } from './job-registry';

const V1 = z.object({ id: z.string() });
const V2 = V1.extend({ kind: z.string() });
const job: JobDefinition<{ id: string; kind: string }> = {
  type: 'thing.apply',
  effect: 'ApplyThing',
  pipeline: 'test',
  readers: { 1: V1.transform((p) => ({ ...p, kind: 'unknown' })), 2: V2 },
  handle: () => Promise.resolve('applied'),
};

function envelope(over: Partial<Envelope>): Envelope {
  return {
    eventId: 'e1',
    type: 'thing.apply',
    schemaVersion: 2,
    minReaderVersion: 1,
    requestId: 'r1',
    businessKey: 'k1',
    producer: 'test@0',
    createdAtMs: 0,
    payload: { id: 'x', kind: 'new' },
    ...over,
  };
}

function permanentReason(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof PermanentJobError ? err.reason : `not permanent: ${String(err)}`;
  }
  return undefined;
}

describe(JobRegistry.name, () => {
  it('should refuse a duplicate handler and a gap in reader versions at construction', () => {
    expect(() => new JobRegistry([defineJob(job), defineJob(job)])).toThrow('duplicate handler');
    expect(
      () =>
        new JobRegistry([
          defineJob({ ...job, readers: { 1: V1.transform((p) => ({ ...p, kind: '' })), 3: V2 } }),
        ]),
    ).toThrow('versions 1..N');
  });

  it('should fail boot when an expected job type has no handler', () => {
    expect(() => new JobRegistry([defineJob(job)]).assertHandles(['thing.apply', 'other'])).toThrow('other');
  });

  it('should upcast an old payload and read a newer additive one with its newest schema', () => {
    const registry = new JobRegistry([defineJob(job)]);
    expect(registry.read(envelope({ schemaVersion: 1, payload: { id: 'x' } })).payload).toEqual({
      id: 'x',
      kind: 'unknown',
    });
    expect(
      registry.read(envelope({ schemaVersion: 3, payload: { id: 'x', kind: 'k', extra: 1 } })).payload,
    ).toEqual({
      id: 'x',
      kind: 'k',
    });
    const old = new JobRegistry([defineJob(job)], 1);
    expect(old.read(envelope({ schemaVersion: 2 })).payload).toEqual({ id: 'x', kind: 'unknown' });
  });

  it('should classify what can never succeed as permanent', () => {
    const registry = new JobRegistry([defineJob(job)], 1);
    expect(permanentReason(() => registry.read(envelope({ type: 'nope' })))).toBe('unknown_job_type');
    expect(permanentReason(() => registry.read(envelope({ minReaderVersion: 2 })))).toBe(
      'unknown_schema_version',
    );
    expect(permanentReason(() => registry.read(envelope({ payload: { id: 7 } })))).toBe('invalid_payload');
  });
});
