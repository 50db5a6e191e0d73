import { DEFAULT_OUTBOX_STREAM, parseEnvelope } from '@foryou/async-work';
import { FeedResponseSchema } from '@foryou/contracts';
import { Redis } from 'ioredis';
import { OutboxSideEffectSink } from '../../src/side-effects/outbox-side-effect-sink';
import { startTestApp, type TestApp } from './app-harness';

const FEED = '/v1/feed/for-you';

describe('home-mixer durable side effects (outbox on real Redis)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({
      sideEffectSink: (redis) => (metrics) =>
        new OutboxSideEffectSink({ redis, producer: 'home-mixer@test', metrics }),
    });
  });

  afterAll(async () => {
    await t.close();
  });

  it('should have the response record and one outbox entry per effect committed when the response arrives', async () => {
    const requestId = 'req-durable-1';
    const res = await t.app.inject({
      method: 'GET',
      url: `${FEED}?viewer_id=u5`,
      headers: { 'x-request-id': requestId },
    });
    expect(res.statusCode).toBe(200);
    const feed = FeedResponseSchema.parse(res.json());
    expect(feed.degradation.components.map((c) => c.component)).not.toContain('SideEffectOutbox');

    const record = JSON.parse((await t.redis.get(`response:${requestId}`))!) as {
      itemIds: string[];
      postIds: string[];
    };
    expect(record.itemIds).toEqual(feed.items.map((i) => i.id));
    expect(record.postIds).toEqual(feed.items.filter((i) => i.type === 'post').map((i) => i.id));
    const entries = await t.redis.xrange(DEFAULT_OUTBOX_STREAM, '-', '+');
    const envelopes = entries.map(([, f]) => parseEnvelope(f[f.indexOf('event') + 1]));
    const mine = envelopes.filter((e) => e?.requestId === requestId);
    expect(mine.map((e) => e!.type).sort()).toEqual([
      'candidate-cache.write',
      'served-candidates.append',
      'served-history.update',
    ]);
    expect(mine.find((e) => e!.type === 'served-history.update')).toMatchObject({
      eventId: `${requestId}.served-history.update`,
      businessKey: `u5/${requestId}`,
      schemaVersion: 2,
      minReaderVersion: 1,
      producer: 'home-mixer@test',
      payload: {
        viewerId: 'u5',
        requestType: 'for_you',
        postIds: feed.items.filter((i) => i.type === 'post').map((i) => i.id),
      },
    });
  });

  it('should write nothing for the debug endpoint', async () => {
    const before = await t.redis.xlen(DEFAULT_OUTBOX_STREAM);
    await t.app.inject({ method: 'GET', url: `${FEED}/debug?viewer_id=u5` });
    expect(await t.redis.xlen(DEFAULT_OUTBOX_STREAM)).toBe(before);
  });

  it('should still serve, marked degraded, when the work cannot be durably accepted', async () => {
    const down = new Redis('redis://127.0.0.1:1', {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
    });
    const broken = await startTestApp({
      sideEffectSink: () => (metrics) =>
        new OutboxSideEffectSink({ redis: down, producer: 'home-mixer@test', metrics }),
    });
    try {
      const res = await broken.app.inject({ method: 'GET', url: `${FEED}?viewer_id=u5` });
      expect(res.statusCode).toBe(200);
      const feed = FeedResponseSchema.parse(res.json());
      expect(feed.items.length).toBeGreaterThan(0);
      expect(feed.degradation).toMatchObject({
        degraded: true,
        components: expect.arrayContaining([
          expect.objectContaining({ component: 'SideEffectOutbox', status: 'error', policy: 'fail_open' }),
        ]) as unknown,
      });
      const metrics = await broken.app.inject({ method: 'GET', url: '/metrics' });
      expect(metrics.body).toMatch(
        /foryou_side_effects_total\{pipeline="for_you",effect="UpdateServedHistory",outcome="rejected"\} 1/,
      );
    } finally {
      down.disconnect();
      await broken.close();
    }
  });
});
