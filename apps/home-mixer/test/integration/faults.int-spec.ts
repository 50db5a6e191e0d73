import { ErrorResponseSchema, FeedResponseSchema } from '@foryou/contracts';
import { FIXTURE } from '@foryou/world';
import { ADAPTER_NAMES } from '../../src/adapters';
import { FaultRegistry } from '../../src/faults/fault-registry';
import { startTestApp, type TestApp } from './app-harness';

describe('fault injection API (drills only)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ faults: new FaultRegistry(ADAPTER_NAMES) });
  });

  afterAll(async () => {
    await t.close();
  });

  const put = (adapter: string, mode: string) =>
    t.app.inject({ method: 'PUT', url: `/v1/admin/faults/${adapter}`, payload: { mode } });
  const feed = async () =>
    FeedResponseSchema.parse(
      (
        await t.app.inject({ method: 'GET', url: `/v1/feed/for-you/debug?viewer_id=${FIXTURE.viewerId}` })
      ).json(),
    );

  it('should reject unknown adapters and modes with 400', async () => {
    const badAdapter = await put('nope', 'error');
    expect(badAdapter.statusCode).toBe(400);
    expect(ErrorResponseSchema.parse(badAdapter.json()).error.details[0]?.field).toBe('adapter');
    expect((await put('retrieval', 'explode')).statusCode).toBe(400);
  });

  it('should degrade the feed while a fault is on, fail it when every post source is down, and recover', async () => {
    expect((await put('retrieval', 'error')).json()).toMatchObject({
      retrieval: 'error',
      inNetworkPosts: 'ok',
    });
    const degraded = await feed();
    expect(degraded.degradation.components.map((c) => c.component)).toContain('PhoenixRetrievalSource');
    expect(degraded.counts.posts).toBeGreaterThan(0);

    await put('inNetworkPosts', 'error');
    await put('candidateCache', 'error');
    const failed = await feed();
    expect(failed.counts.posts).toBe(0);
    const metrics = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/^foryou_feed_requests_total\{surface="for_you",outcome="failed"\} 1/m);

    await t.app.inject({ method: 'DELETE', url: '/v1/admin/faults' });
    const recovered = await feed();
    expect(recovered.degradation.degraded).toBe(false);
    expect(recovered.counts.posts).toBeGreaterThan(0);
  });
});
