import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { Readiness } from '../health/readiness';
import { ThunderMetrics } from '../telemetry/metrics';
import { startHttpServer, type ThunderStatus } from './http-server';

describe(startHttpServer.name, () => {
  const readiness = new Readiness(2, 10);
  const metrics = new ThunderMetrics(() => ({
    activePosts: 7,
    tombstones: 2,
    authors: 1,
    watermarkMs: 5000,
  }));
  readiness.onChange((ready) => metrics.ready(ready));
  const status = (): ThunderStatus => ({
    readiness: readiness.report(),
    storeVersion: 's1-abc',
    restore: { source: 'snapshot', detail: 'test' },
    partitions: [0, 1].map((partition) => ({ partition, phase: 'live', lag: 0, offset: '1-0', consumed: 1 })),
    store: { activePosts: 7, tombstones: 2, watermarkMs: 5000 },
  });
  let app: FastifyInstance;
  let base: string;

  beforeAll(async () => {
    app = await startHttpServer('127.0.0.1', 0, metrics.registry, status);
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  afterAll(() => app.close());

  it('should answer /readyz 503 with the reason until ready, then 200', async () => {
    const before = await fetch(`${base}/readyz`);
    expect(before.status).toBe(503);
    expect(await before.json()).toMatchObject({
      status: 'not_ready',
      reason: 'restoring',
      store_version: 's1-abc',
    });

    readiness.markRestored();
    readiness.setLag([0, 3]);
    const after = await fetch(`${base}/readyz`);

    expect(after.status).toBe(200);
    expect(await after.json()).toMatchObject({
      status: 'ready',
      caught_up: true,
      partitions: [{ partition: 0 }, {}],
    });
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it('should expose OpenMetrics with the store gauges and readiness', async () => {
    const res = await fetch(`${base}/metrics`);
    const text = await res.text();

    expect(res.headers.get('content-type')).toContain('application/openmetrics-text');
    expect(text).toMatch(/^foryou_thunder_active_posts 7$/m);
    expect(text).toMatch(/^foryou_thunder_tombstones 2$/m);
    expect(text).toMatch(/^foryou_thunder_ready 1$/m);
    expect(text).toMatch(/^foryou_thunder_event_time_watermark_seconds 5$/m);
  });
});
