import { CRASH_POINTS, DEFAULT_OUTBOX_STREAM, SIDE_EFFECT_QUEUE, type CrashPoint } from '@foryou/async-work';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { PrivateRedis } from '../../../thunder/test/support/redis-server';
import {
  commitResponse,
  historyOf,
  loggedItemsByRequest,
  type ProducedRequest,
} from '../support/feed-producer';
import { eventually, WorkersProcess } from '../support/workers-process';

jest.setTimeout(90_000);

const REQUESTS: readonly ProducedRequest[] = [1, 2, 3].map((n) => ({
  requestId: `req-${n}`,
  viewerId: `viewer-${n % 2}`,
  postIds: [`p${n}a`, `p${n}b`],
}));

/**
 * The crash matrix (book 4.6): a worker process is SIGKILLed at each boundary of the side-effect path,
 * stopped there by an explicit barrier (FORYOU_CRASH_AT), never by timing. Redis is a private server with
 * `appendfsync always`. After a restart every effect is applied exactly once — checked on the business
 * state (served history contents, one served-candidates entry per served item), not on counters.
 */
describe('side effects survive a worker crash at every boundary', () => {
  let server: PrivateRedis;
  let redis: Redis;
  let queue: Queue;
  const workers: WorkersProcess[] = [];

  beforeAll(async () => {
    server = await PrivateRedis.start();
    redis = new Redis(server.url, { keyPrefix: 'foryou:', maxRetriesPerRequest: null });
    queue = new Queue(SIDE_EFFECT_QUEUE, {
      connection: { url: server.url, maxRetriesPerRequest: null },
      prefix: 'foryou-bull',
    });
  });

  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.kill()));
    await redis.flushall();
  });

  afterAll(async () => {
    await queue.close();
    redis.disconnect();
    await server.stop();
  });

  async function spawnWorkers(env: Record<string, string> = {}): Promise<WorkersProcess> {
    const w = await WorkersProcess.spawn(server.url, { WORKER_CONCURRENCY: '1', ...env });
    workers.push(w);
    return w;
  }

  async function drained(): Promise<boolean> {
    const c = await queue.getJobCounts('waiting', 'active', 'delayed', 'completed');
    return (
      (await redis.xlen(DEFAULT_OUTBOX_STREAM)) === 0 &&
      c['waiting'] === 0 &&
      c['active'] === 0 &&
      c['delayed'] === 0 &&
      c['completed'] === REQUESTS.length * 2
    );
  }

  /** What must hold at the moment the process stopped at `point`, before it is killed. */
  async function expectStateAt(point: CrashPoint): Promise<void> {
    const logged = [...(await loggedItemsByRequest(redis)).values()].reduce((a, b) => a + b, 0);
    const counts = await queue.getJobCounts('waiting', 'active', 'completed');
    switch (point) {
      case 'producer:outbox-committed':
        throw new Error('covered by the home-mixer process test');
      case 'relay:before-enqueue':
        expect(await redis.xlen(DEFAULT_OUTBOX_STREAM)).toBe(REQUESTS.length * 2);
        expect(counts['waiting']! + counts['active']! + counts['completed']!).toBe(0);
        break;
      case 'relay:enqueued':
        // Enqueued, but the outbox entries are neither acknowledged nor deleted: they will be re-sent.
        expect(await redis.xlen(DEFAULT_OUTBOX_STREAM)).toBe(REQUESTS.length * 2);
        expect(counts['waiting']! + counts['active']! + counts['completed']!).toBe(REQUESTS.length * 2);
        break;
      case 'worker:picked-up':
        expect(counts['active']).toBe(1);
        expect(logged).toBe(0);
        expect(await historyOf(redis, 'viewer-1')).toEqual([]);
        break;
      case 'worker:effect-committed': {
        // One job's effect and inbox record are committed; the job is still active (not acknowledged).
        expect(counts['active']).toBe(1);
        expect(counts['completed']).toBe(0);
        const applied = (await redis.keys('foryou:inbox:*')).length;
        expect(applied).toBe(1);
        break;
      }
      case 'worker:acked':
        expect(counts['completed']).toBeGreaterThanOrEqual(1);
        break;
    }
  }

  const points = CRASH_POINTS.filter((p) => p !== 'producer:outbox-committed');

  it.each(points)('killed at %s: restart applies every effect exactly once', async (point) => {
    for (const r of REQUESTS) {
      await commitResponse(redis, r);
    }
    const first = await spawnWorkers({ FORYOU_CRASH_AT: point });
    await first.reachedBarrier(point);
    await expectStateAt(point);
    await first.kill();

    await spawnWorkers();
    await eventually(drained, 'outbox and queue drained');

    const logged = await loggedItemsByRequest(redis);
    for (const r of REQUESTS) {
      expect({ request: r.requestId, logged: logged.get(r.requestId) }).toEqual({
        request: r.requestId,
        logged: r.postIds.length,
      });
    }
    expect(await historyOf(redis, 'viewer-0')).toEqual(['p2a', 'p2b']);
    expect(await historyOf(redis, 'viewer-1')).toEqual(['p1a', 'p1b', 'p3a', 'p3b']);
    expect(await queue.getFailedCount()).toBe(0);
  });

  it('loses nothing when Redis itself is killed and restarted mid-stream', async () => {
    await spawnWorkers({ WORKER_CONCURRENCY: '4' });
    const accepted: ProducedRequest[] = [];
    const produce = async (from: number, to: number) => {
      for (let n = from; n < to; n++) {
        const r = { requestId: `rk-${n}`, viewerId: `rv-${n % 5}`, postIds: [`rp${n}`] };
        try {
          await commitResponse(redis, r);
          accepted.push(r); // only acknowledged commits are promised
        } catch {
          // not accepted: the producer would have reported it; nothing is owed
        }
      }
    };
    await produce(0, 100);
    await server.kill(); // while the worker still has a backlog
    await server.restart();
    await produce(100, 200);
    await eventually(async () => {
      const logged = await loggedItemsByRequest(redis);
      return accepted.every((r) => logged.get(r.requestId) === 1);
    }, 'every accepted request applied');
    const logged = await loggedItemsByRequest(redis);
    expect([...logged.values()].every((n) => n === 1)).toBe(true);
    expect(accepted.length).toBe(200);
  });
});
