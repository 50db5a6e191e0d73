import { CRASH_POINTS, DEFAULT_OUTBOX_STREAM, type CrashPoint } from '@foryou/async-work';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  commitResponse,
  historyOf,
  loggedItemsByRequest,
  type ProducedRequest,
} from '../support/feed-producer';
import { WorkersBed } from '../support/workers-bed';
import { eventually } from '../support/workers-process';

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
  let bed: WorkersBed;
  let redis: Redis;
  let queue: Queue;

  beforeAll(async () => {
    bed = await WorkersBed.start({ WORKER_CONCURRENCY: '1' });
    ({ redis, queue } = bed);
  });

  afterEach(() => bed.reset());

  afterAll(() => bed.close());

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
    const first = await bed.spawn({ FORYOU_CRASH_AT: point });
    await first.reachedBarrier(point);
    await expectStateAt(point);
    await first.kill();

    await bed.spawn();
    await bed.settled({ completed: REQUESTS.length * 2 });

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
    await bed.spawn({ WORKER_CONCURRENCY: '4' });
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
    await bed.server.kill(); // while the worker still has a backlog
    await bed.server.restart();
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
