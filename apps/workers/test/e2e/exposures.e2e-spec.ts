import { DEFAULT_OUTBOX_STREAM, Outbox, SIDE_EFFECT_QUEUE } from '@foryou/async-work';
import { EXPOSURE_EVENT_SCHEMA_VERSION, exposureId, type ExposureEvent } from '@foryou/experiments';
import { createScratchDatabase, type ScratchDatabase } from '@foryou/experiments-store';
import { envelopeFor, experimentExposuresWork } from '@foryou/feed-state';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { freePort, PrivateRedis } from '../../../thunder/test/support/redis-server';
import { eventually, WorkersProcess } from '../support/workers-process';

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
  let server: PrivateRedis;
  let redis: Redis;
  let queue: Queue;
  let db: ScratchDatabase;
  const workers: WorkersProcess[] = [];

  beforeAll(async () => {
    server = await PrivateRedis.start();
    redis = new Redis(server.url, { keyPrefix: 'foryou:', maxRetriesPerRequest: null });
    queue = new Queue(SIDE_EFFECT_QUEUE, {
      connection: { url: server.url, maxRetriesPerRequest: null },
      prefix: 'foryou-bull',
    });
    db = await createScratchDatabase({ prefix: 'workers_exposures_e2e' });
  });

  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.kill()));
    await redis.flushall();
    await db.pool.query('TRUNCATE experiments.exposures').catch(() => undefined); // absent before the first migration
  });

  afterAll(async () => {
    await queue.close();
    redis.disconnect();
    await server.stop();
    await db.drop();
  });

  async function spawnWorkers(env: Record<string, string> = {}): Promise<WorkersProcess> {
    const w = await WorkersProcess.spawn(server.url, {
      WORKER_CONCURRENCY: '1',
      DATABASE_URL: db.url,
      ...env,
    });
    workers.push(w);
    return w;
  }

  async function commitExposures(requestId: string, exposures: readonly ExposureEvent[]): Promise<void> {
    const ctx = { requestId, producer: 'test-producer@0', createdAtMs: Date.now() };
    await new Outbox(redis).commit([envelopeFor(ctx, experimentExposuresWork(requestId, exposures))]);
  }

  async function drained(completed: number): Promise<boolean> {
    const c = await queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed');
    return (
      (await redis.xlen(DEFAULT_OUTBOX_STREAM)) === 0 &&
      c['waiting'] === 0 &&
      c['active'] === 0 &&
      c['delayed'] === 0 &&
      c['failed'] === 0 &&
      c['completed'] === completed
    );
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
    await spawnWorkers();
    await eventually(() => drained(2), 'outbox and queue drained');
    expect(await rowsPerExposureId()).toEqual(once);
    const { rows } = await db.pool.query<{ unit_id: string; request_id: string }>(
      "SELECT unit_id, request_id FROM experiments.exposures WHERE exposure_id = 'req-2:exp_a'",
    );
    expect(rows).toEqual([{ unit_id: 'viewer-2', request_id: 'req-2' }]);
  });

  it('killed at worker:effect-committed: the restart re-applies the job and adds no row', async () => {
    await commitExposures('req-1', FIRST);
    await commitExposures('req-2', SECOND);
    const first = await spawnWorkers({ FORYOU_CRASH_AT: 'worker:effect-committed' });
    await first.reachedBarrier('worker:effect-committed');
    // The first job's rows are committed in Postgres, the job is still active (not acknowledged).
    const counts = await queue.getJobCounts('active', 'completed');
    expect(counts).toEqual({ active: 1, completed: 0 });
    expect(Object.keys(await rowsPerExposureId()).length).toBeGreaterThan(0);
    await first.kill();

    await spawnWorkers();
    await eventually(() => drained(2), 'outbox and queue drained after the restart');
    expect(await rowsPerExposureId()).toEqual(once);
  });

  it('fails boot with a clear message when Postgres is unreachable', async () => {
    const port = await freePort(); // nothing listens there
    const w = await spawnWorkers({ DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/nowhere` });
    expect(await w.exited).toBe(1);
    expect(w.log).toContain('workers failed to start');
    expect(w.log).toContain('experiments database (DATABASE_URL postgres://postgres@127.0.0.1:');
  });
});
