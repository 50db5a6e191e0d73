import { Outbox } from '@foryou/async-work';
import {
  ASSIGNMENT_RECORD_SCHEMA_VERSION,
  EXPOSURE_EVENT_SCHEMA_VERSION,
  exposureId,
  type AssignmentRecord,
  type ExposureEvent,
} from '@foryou/experiments';
import { createScratchDatabase, type ScratchDatabase } from '@foryou/experiments-store';
import { envelopeFor, experimentExposuresWork } from '@foryou/feed-state';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { freePort } from '../../../thunder/test/support/redis-server';
import { WorkersBed } from '../support/workers-bed';

jest.setTimeout(90_000);

function exposure(requestId: string, experimentKey: string, unitId: string): ExposureEvent {
  return {
    schema_version: EXPOSURE_EVENT_SCHEMA_VERSION,
    exposure_id: exposureId(requestId, experimentKey),
    experiment_key: experimentKey,
    unit_id: unitId,
    variant: 'treatment',
    request_id: requestId,
    triggered: true,
    counterfactual: false,
    version_vector: { code: 'test' },
    exposed_at_ms: Date.now(),
  };
}

function assignmentOf(e: ExposureEvent): AssignmentRecord {
  return {
    schema_version: ASSIGNMENT_RECORD_SCHEMA_VERSION,
    experiment_key: e.experiment_key,
    unit_id: e.unit_id,
    variant: e.variant,
    layer: 'layer-a',
    bucket: 7,
    hash_version: 2,
    eligibility_version: 1,
    assigned_at_ms: e.exposed_at_ms,
  };
}

/** req-2 re-sends req-1's exp_a exposure (same exposure_id) and adds one of its own. */
const FIRST = [exposure('req-1', 'exp_a', 'viewer-1'), exposure('req-1', 'exp_b', 'viewer-1')];
const SECOND = [FIRST[0]!, exposure('req-2', 'exp_a', 'viewer-2')];
const DISTINCT_IDS = ['req-1:exp_a', 'req-1:exp_b', 'req-2:exp_a'];

/**
 * The exposure side effect end to end: envelopes committed through the real Outbox, relayed and applied
 * by a real workers process into a fresh Postgres database. Idempotency is Postgres's unique exposure_id:
 * an overlapping re-send and a crash after the insert (before the job is acknowledged) add no row.
 */
describe('experiment exposures: outbox → workers → Postgres', () => {
  let bed: WorkersBed;
  let redis: Redis;
  let queue: Queue;
  let db: ScratchDatabase;

  beforeAll(async () => {
    db = await createScratchDatabase({ prefix: 'workers_exposures_e2e' });
    bed = await WorkersBed.start({ WORKER_CONCURRENCY: '1', DATABASE_URL: db.url });
    ({ redis, queue } = bed);
  });

  afterEach(async () => {
    await bed.reset();
    // absent before the first migration
    await db.pool.query('TRUNCATE experiments.exposures, experiments.assignments').catch(() => undefined);
  });

  afterAll(async () => {
    await bed.close();
    await db.drop();
  });

  async function commitExposures(requestId: string, exposures: readonly ExposureEvent[]): Promise<void> {
    const ctx = { requestId, producer: 'test-producer@0', createdAtMs: Date.now() };
    const assignments = exposures.map((e) => assignmentOf(e));
    await new Outbox(redis).commit([
      envelopeFor(ctx, experimentExposuresWork(requestId, exposures, assignments)),
    ]);
  }

  async function rowsPerExposureId(): Promise<Record<string, number>> {
    const { rows } = await db.pool.query<{ exposure_id: string; n: number }>(
      'SELECT exposure_id, count(*)::int AS n FROM experiments.exposures GROUP BY exposure_id ORDER BY exposure_id',
    );
    return Object.fromEntries(rows.map((r) => [r.exposure_id, r.n]));
  }

  const once = Object.fromEntries(DISTINCT_IDS.map((id) => [id, 1]));

  it('records exactly the distinct exposures of overlapping envelopes', async () => {
    await commitExposures('req-1', FIRST);
    await commitExposures('req-2', SECOND);
    await bed.spawn();
    await bed.settled({ completed: 2, failed: 0 });
    expect(await rowsPerExposureId()).toEqual(once);
    const { rows } = await db.pool.query<{ unit_id: string; request_id: string }>(
      "SELECT unit_id, request_id FROM experiments.exposures WHERE exposure_id = 'req-2:exp_a'",
    );
    expect(rows).toEqual([{ unit_id: 'viewer-2', request_id: 'req-2' }]);
    // one assignment per (experiment, unit), although req-2 re-sent viewer-1's exp_a assignment
    const assigned = await db.pool.query<{ experiment_key: string; unit_id: string }>(
      'SELECT experiment_key, unit_id FROM experiments.assignments ORDER BY experiment_key, unit_id',
    );
    expect(assigned.rows).toEqual([
      { experiment_key: 'exp_a', unit_id: 'viewer-1' },
      { experiment_key: 'exp_a', unit_id: 'viewer-2' },
      { experiment_key: 'exp_b', unit_id: 'viewer-1' },
    ]);
  });

  it('killed at worker:effect-committed: the restart re-applies the job and adds no row', async () => {
    await commitExposures('req-1', FIRST);
    await commitExposures('req-2', SECOND);
    const first = await bed.spawn({ FORYOU_CRASH_AT: 'worker:effect-committed' });
    await first.reachedBarrier('worker:effect-committed');
    // The first job's rows are committed in Postgres, the job is still active (not acknowledged).
    const counts = await queue.getJobCounts('active', 'completed');
    expect(counts).toEqual({ active: 1, completed: 0 });
    expect(Object.keys(await rowsPerExposureId()).length).toBeGreaterThan(0);
    await first.kill();

    await bed.spawn();
    await bed.settled({ completed: 2, failed: 0 }, 'outbox and queue drained after the restart');
    expect(await rowsPerExposureId()).toEqual(once);
  });

  it('fails boot with a clear message when Postgres is unreachable', async () => {
    const port = await freePort(); // nothing listens there
    const w = await bed.spawn({ DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/nowhere` });
    expect(await w.exited).toBe(1);
    expect(w.log).toContain('workers failed to start');
    expect(w.log).toContain('experiments database (DATABASE_URL postgres://postgres@127.0.0.1:');
  });
});
