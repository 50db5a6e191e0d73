import { once } from 'node:events';
import { SERVED_CANDIDATES_STREAM } from '@foryou/feed-state';
import { Redis } from 'ioredis';
import { eventually } from '../../../workers/test/support/workers-process';
import { REDIS_URL, startStack, type Stack } from './stack';

jest.setTimeout(240_000);

/**
 * The producer end of the crash matrix with real processes: home-mixer is stopped by a barrier right
 * after its outbox transaction committed and before the response was written, then SIGKILLed. The
 * viewer never got the feed — but the work is on record, and the workers apply it exactly once.
 */
describe('home-mixer killed after the outbox commit, before the response', () => {
  let stack: Stack;
  let redis: Redis;

  beforeAll(async () => {
    stack = await startStack({ mixerEnv: { FORYOU_CRASH_AT: 'producer:outbox-committed' } });
    redis = new Redis(REDIS_URL, { keyPrefix: stack.prefix });
  });

  afterAll(async () => {
    redis?.disconnect();
    await stack?.stop();
  });

  it('should apply the committed side effects exactly once', async () => {
    const requestId = 'crash-producer-1';
    // Warm the gRPC channels with the debug endpoint: it runs no side effects, so it passes the barrier.
    const warm = (await (await fetch(`${stack.homeMixer}/v1/feed/for-you/debug?viewer_id=u3`)).json()) as {
      counts: { posts: number };
    };
    expect(warm.counts.posts).toBeGreaterThan(0);
    const response = fetch(`${stack.homeMixer}/v1/feed/for-you?viewer_id=u3`, {
      headers: { 'x-request-id': requestId },
    }).then(
      (r) => `status ${r.status}`,
      (err: unknown) => `failed: ${String(err)}`,
    );
    await eventually(
      () => Promise.resolve(stack.mixer.output().includes('CRASH-BARRIER producer:outbox-committed')),
      'home-mixer at the barrier',
    );
    stack.mixer.child.kill('SIGKILL');
    await once(stack.mixer.child, 'exit');
    expect(await response).toMatch(/^failed: /); // the viewer saw no feed

    const record = JSON.parse((await redis.get(`response:${requestId}`)) ?? 'null') as {
      postIds: string[];
    } | null;
    expect(record).not.toBeNull();
    expect(record!.postIds.length).toBeGreaterThan(0);
    const logged = async () =>
      (await redis.xrange(SERVED_CANDIDATES_STREAM, '-', '+')).filter(([, f]) =>
        f[1]!.includes(`"requestId":"${requestId}"`),
      ).length;
    await eventually(async () => (await logged()) === record!.postIds.length, 'served-candidates logged');
    const history = await redis.zrange('served:u3', 0, -1);
    expect(history).toEqual(expect.arrayContaining(record!.postIds));
    // Nothing is applied twice: wait for the queue to settle, then count again.
    await eventually(async () => {
      const metrics = await (await fetch(`http://127.0.0.1:${stack.ports.workersHttp}/metrics`)).text();
      return (
        /foryou_async_queue_jobs\{queue="side-effects",state="waiting"\} 0/.test(metrics) &&
        /foryou_async_queue_jobs\{queue="side-effects",state="active"\} 0/.test(metrics)
      );
    }, 'queue drained');
    expect(await logged()).toBe(record!.postIds.length);
  });
});
