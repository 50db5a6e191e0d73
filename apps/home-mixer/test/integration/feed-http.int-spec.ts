import type { InProcessSideEffectSink } from '@foryou/candidate-pipeline';
import { ErrorResponseSchema, FeedResponseSchema } from '@foryou/contracts';
import { FIXTURE } from '@foryou/world';
import type { DebugFeedResponse } from '../../src/feed/feed.controller';
import type { ServedHistoryRepository } from '@foryou/feed-state';
import { SIDE_EFFECT_SINK } from '../../src/tokens';
import { seedWorldState } from '../../src/world/world-seeder';
import { startTestApp, type TestApp } from './app-harness';

const FEED = '/v1/feed/for-you';

describe('home-mixer HTTP API', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  const get = (url: string, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'GET', url, headers });

  describe('bad input', () => {
    it.each([
      ['missing viewer_id', `${FEED}?limit=5`, 'viewer_id'],
      ['empty viewer_id', `${FEED}?viewer_id=`, 'viewer_id'],
      [
        'viewer_id with forbidden characters',
        `${FEED}?viewer_id=${encodeURIComponent('x;drop')}`,
        'viewer_id',
      ],
      ['limit zero', `${FEED}?viewer_id=xiaolin&limit=0`, 'limit'],
      ['limit not a number', `${FEED}?viewer_id=xiaolin&limit=abc`, 'limit'],
      ['limit too large', `${FEED}?viewer_id=xiaolin&limit=1000`, 'limit'],
      ['unknown parameter', `${FEED}?viewer_id=xiaolin&cursor=1`, 'cursor'],
      ['debug with missing viewer_id', `${FEED}/debug`, 'viewer_id'],
    ])('should answer 400 with a reason for %s', async (_name, url, field) => {
      const res = await get(url, { 'x-request-id': 'req-bad-input-1' });
      expect(res.statusCode).toBe(400);
      const body = ErrorResponseSchema.parse(res.json());
      expect(body.error.code).toBe('invalid_argument');
      expect(body.error.details.map((d) => d.field)).toContain(field);
      expect(body.error.details.every((d) => d.reason.length > 0)).toBe(true);
      expect(body.request_id).toBe('req-bad-input-1');
      expect(res.headers['x-request-id']).toBe('req-bad-input-1');
    });

    it('should reject a malformed x-request-id with 400', async () => {
      const res = await get(`${FEED}?viewer_id=xiaolin`, { 'x-request-id': 'bad id!' });
      expect(res.statusCode).toBe(400);
      expect(ErrorResponseSchema.parse(res.json()).error.details[0]).toMatchObject({ field: 'x-request-id' });
    });

    it('should answer unknown routes with a JSON 404', async () => {
      const res = await get('/v1/nope');
      expect(res.statusCode).toBe(404);
      expect(ErrorResponseSchema.parse(res.json()).error.code).toBe('not_found');
    });
  });

  describe('request identity', () => {
    it('should echo a valid client request id in the header and body', async () => {
      const res = await get(`${FEED}/debug?viewer_id=u1`, { 'x-request-id': 'client-req-000042' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['x-request-id']).toBe('client-req-000042');
      expect(res.json<DebugFeedResponse>().request_id).toBe('client-req-000042');
    });

    it('should generate a request id when none is sent', async () => {
      const res = await get(`${FEED}/debug?viewer_id=u1`);
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.json<DebugFeedResponse>().request_id).toBe(res.headers['x-request-id']);
    });
  });

  it('should explain C, D and E in the debug ledger and serve A, B and F', async () => {
    const res = await get(`${FEED}/debug?viewer_id=${FIXTURE.viewerId}&limit=20`);
    expect(res.statusCode).toBe(200);
    const body = res.json<DebugFeedResponse>();
    expect(FeedResponseSchema.parse(body).items.map((i) => i.id)).toEqual(
      expect.arrayContaining([FIXTURE.A, FIXTURE.B, FIXTURE.F]),
    );
    const fate = (id: string) => body.ledger.candidates.find((c) => c.id === id)?.fate;
    expect(fate(FIXTURE.C)).toMatchObject({ bucket: 'filtered', reason: 'previously_served' });
    expect(fate(FIXTURE.D)).toMatchObject({ bucket: 'filtered', reason: 'blocked_author' });
    expect(fate(FIXTURE.E)).toMatchObject({ bucket: 'filtered', reason: 'safety_unknown' });
    expect(fate(FIXTURE.A)).toMatchObject({ bucket: 'selected' });
    expect(Object.keys(body.ledger.stages)).toEqual(['for_you', 'scored_posts']);
    expect(body.ledger.stages.scored_posts![0]).toMatchObject({ stage: 'query_hydrators', inputCount: null });
    expect(body.version_vector).toMatchObject({
      params: 'v1',
      corpus: t.world.version,
      schema: 'feed-response-v1',
    });
  });

  it('should not repeat served posts, and restore the fixture when the world is seeded again', async () => {
    const sink = t.app.get<InProcessSideEffectSink>(SIDE_EFFECT_SINK);
    const url = `${FEED}?viewer_id=${FIXTURE.viewerId}&limit=20`;
    const posts = async () =>
      FeedResponseSchema.parse((await get(url)).json())
        .items.filter((i) => i.type === 'post')
        .map((i) => i.id);
    const first = await posts();
    await sink.drain();
    const second = await posts();
    await sink.drain();
    expect(first).toEqual(expect.arrayContaining([FIXTURE.A, FIXTURE.B]));
    expect(second.length).toBeGreaterThan(0);
    expect(second.filter((id) => first.includes(id))).toEqual([]);

    await seedWorldState(t.world, t.adapters, t.feedClock, 500);
    const restored = FeedResponseSchema.parse(
      (await get(`${FEED}/debug?viewer_id=${FIXTURE.viewerId}&limit=20`)).json(),
    );
    expect(restored.items.map((i) => i.id)).toEqual(
      expect.arrayContaining([FIXTURE.A, FIXTURE.B, FIXTURE.F]),
    );
  });

  it('should give an unknown viewer a valid, empty feed with an explanation', async () => {
    const res = await get(`${FEED}?viewer_id=never-seen-viewer`);
    expect(res.statusCode).toBe(200);
    const body = FeedResponseSchema.parse(res.json());
    expect(body.items).toEqual([]);
    expect(body.explanation).toContain('not known');
  });

  it('should not change state from the debug endpoint, and record served posts after a real response', async () => {
    const viewer = 'u7';
    const served = async () => {
      const r = await t.adapters.servedHistory.read(viewer, 0, 1000);
      return r.ok ? r.value.map((e) => e.postId).sort() : [];
    };
    const before = await served();
    await get(`${FEED}/debug?viewer_id=${viewer}`);
    await t.app.get<InProcessSideEffectSink>(SIDE_EFFECT_SINK).drain();
    expect(await served()).toEqual(before);

    const res = await get(`${FEED}?viewer_id=${viewer}`);
    await t.app.get<InProcessSideEffectSink>(SIDE_EFFECT_SINK).drain();
    // Posts only: ads and modules are not candidates the previously-served filter could meet again.
    const items = FeedResponseSchema.parse(res.json())
      .items.filter((i) => i.type === 'post')
      .map((i) => i.id);
    expect(items.length).toBeGreaterThan(0);
    expect(await served()).toEqual([...new Set([...before, ...items])].sort());
  });

  it('should serve /healthz and /readyz', async () => {
    expect((await get('/healthz')).json()).toEqual({ status: 'ok' });
    const ready = await get('/readyz');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({
      status: 'ready',
      checks: { world: 'ok', redis: 'ok' },
      required: ['redis'],
    });
  });
});

describe('home-mixer side effects', () => {
  it('should send the response before a side effect finishes', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const events: string[] = [];
    const t = await startTestApp({
      override: (base) => ({
        servedHistory: {
          read: (v, s, l) => base.servedHistory.read(v, s, l),
          replace: (v, e, m) => base.servedHistory.replace(v, e, m),
          requestTypes: (v) => base.servedHistory.requestTypes(v),
          apply: async (u, k) => {
            events.push('append started');
            await gate;
            const outcome = await base.servedHistory.apply(u, k);
            events.push('append done');
            return outcome;
          },
        } satisfies ServedHistoryRepository,
      }),
    });
    try {
      const res = await t.app.inject({ method: 'GET', url: `${FEED}?viewer_id=u3` });
      events.push(`response ${res.statusCode}`);
      await new Promise<void>((resolve) => setImmediate(resolve));
      release();
      await t.app.get<InProcessSideEffectSink>(SIDE_EFFECT_SINK).drain();
      expect(events).toEqual(['response 200', 'append started', 'append done']);
    } finally {
      release();
      await t.close();
    }
  });
});

describe('home-mixer params snapshot', () => {
  it('should keep the entry snapshot for the whole request when params change mid-request', async () => {
    let changeParams: () => void = () => undefined;
    const t = await startTestApp({
      override: (base) => ({
        retrieval: {
          retrieve: (request) => {
            changeParams();
            return base.retrieval.retrieve(request);
          },
        },
      }),
    });
    changeParams = () => {
      changeParams = () => undefined;
      t.params.update((p) => ({ ...p, scoredPostsSize: 3, ads: { ...p.ads, enabled: false } }));
    };
    try {
      const first = FeedResponseSchema.parse(
        (
          await t.app.inject({ method: 'GET', url: `${FEED}/debug?viewer_id=${FIXTURE.viewerId}&limit=20` })
        ).json(),
      );
      expect(first.version_vector.params).toBe('v1');
      expect(first.counts.ads).toBeGreaterThan(0);
      expect(first.counts.posts).toBeGreaterThan(3);

      const second = FeedResponseSchema.parse(
        (
          await t.app.inject({ method: 'GET', url: `${FEED}/debug?viewer_id=${FIXTURE.viewerId}&limit=20` })
        ).json(),
      );
      expect(second.version_vector.params).toBe('v2');
      expect(second.counts.ads).toBe(0);
      expect(second.counts.posts).toBe(3);
    } finally {
      await t.close();
    }
  });

  it('should make a partial Thunder answer visible in the response and the metrics', async () => {
    const t = await startTestApp({
      override: (base) => ({
        inNetworkPosts: {
          postsByAuthors: async (request) => {
            const full = await base.inNetworkPosts.postsByAuthors(request);
            return full.ok
              ? { ok: true, value: { ...full.value, posts: full.value.posts.slice(0, 3), partial: true } }
              : full;
          },
        },
      }),
    });
    try {
      const res = await t.app.inject({ method: 'GET', url: `${FEED}?viewer_id=${FIXTURE.viewerId}` });
      const body = FeedResponseSchema.parse(res.json());
      expect(body.degradation.degraded).toBe(true);
      expect(body.degradation.components.filter((c) => c.status !== 'disabled')).toEqual([
        expect.objectContaining({
          component: 'ThunderSource',
          status: 'partial',
          reason: expect.stringContaining('partial') as string,
        }),
      ]);
      expect(body.items.length).toBeGreaterThan(0);
      const metrics = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
      expect(metrics).toMatch(
        /foryou_pipeline_component_outcomes_total\{[^}]*component="ThunderSource",outcome="partial"[^}]*\} 1/,
      );
      expect(metrics).toMatch(/foryou_feed_requests_total\{surface="for_you",outcome="degraded"\} 1/);
    } finally {
      await t.close();
    }
  });

  it('should report a degraded but valid feed when a source fails', async () => {
    const t = await startTestApp({
      override: () => ({
        retrieval: {
          retrieve: () =>
            Promise.resolve({ ok: false, error: { kind: 'dependency_unavailable', message: 'down' } }),
        },
      }),
    });
    try {
      const res = await t.app.inject({ method: 'GET', url: `${FEED}?viewer_id=${FIXTURE.viewerId}` });
      const body = FeedResponseSchema.parse(res.json());
      expect(res.statusCode).toBe(200);
      expect(body.degradation.degraded).toBe(true);
      expect(body.degradation.components.filter((c) => c.status !== 'disabled')).toEqual([
        expect.objectContaining({
          component: 'PhoenixRetrievalSource',
          status: 'error',
          error_kind: 'dependency_unavailable',
        }),
      ]);
      expect(body.items.map((i) => i.id)).toContain(FIXTURE.A);
      expect(body.items.map((i) => i.id)).not.toContain(FIXTURE.B);
    } finally {
      await t.close();
    }
  });
});
