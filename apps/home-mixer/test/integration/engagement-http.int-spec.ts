import { DEFAULT_OUTBOX_STREAM, parseEnvelope, type Envelope } from '@foryou/async-work';
import { ErrorResponseSchema, FeedResponseSchema } from '@foryou/contracts';
import { EXPERIMENT_OUTCOMES_JOB, type ExperimentOutcomes } from '@foryou/feed-state';
import { batchIdOf } from '../../src/events/engagement-request';
import { OutboxSideEffectSink } from '../../src/side-effects/outbox-side-effect-sink';
import { startTestApp, type TestApp } from './app-harness';

const ENGAGEMENT = '/v1/events/engagement';

/**
 * `POST /v1/events/engagement` over HTTP on real Redis (unique key prefix): what a 202 leaves in the
 * outbox, the 400 shapes (nothing committed), the checks against response records, and the 503 when
 * Redis is gone.
 */
describe('POST /v1/events/engagement (real Redis)', () => {
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

  const post = (payload: unknown, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'POST', url: ENGAGEMENT, payload: payload as object, headers });

  async function outcomeJobs(): Promise<Envelope[]> {
    const entries = await t.redis.xrange(DEFAULT_OUTBOX_STREAM, '-', '+');
    return entries
      .map(([, f]) => parseEnvelope(f[f.indexOf('event') + 1]))
      .filter((e): e is Envelope => e?.type === EXPERIMENT_OUTCOMES_JOB);
  }

  /** A real feed response for `viewer`, recorded (response record + outbox) like in production. */
  async function servedFeed(viewer: string, requestId: string) {
    const res = await t.app.inject({
      method: 'GET',
      url: `/v1/feed/for-you?viewer_id=${viewer}`,
      headers: { 'x-request-id': requestId },
    });
    expect(res.statusCode).toBe(200);
    const feed = FeedResponseSchema.parse(res.json());
    const posts = feed.items.filter((i) => i.type === 'post').map((i) => i.id);
    expect(posts.length).toBeGreaterThan(1);
    return posts;
  }

  it('accepts a batch with one outbox entry keyed by the batch id; a retry is the same event', async () => {
    const now = Date.now();
    const posts = await servedFeed('u11', 'req-engagement-1');
    const events = [
      {
        client_event_id: 'c1',
        type: 'favorite',
        post_id: posts[0],
        request_id: 'req-engagement-1',
        occurred_at_ms: now,
      },
      {
        client_event_id: 'c2',
        type: 'dwell',
        value: 4_200,
        post_id: posts[1],
        request_id: 'req-engagement-1',
        occurred_at_ms: now,
      },
      { client_event_id: 'c3', type: 'click', post_id: 'not-served-but-no-request', occurred_at_ms: now },
      {
        client_event_id: 'c1',
        type: 'favorite',
        post_id: posts[0],
        request_id: 'req-engagement-1',
        occurred_at_ms: now,
        value: 1,
      },
    ];
    const before = (await outcomeJobs()).length;
    const res = await post({ viewer_id: 'u11', events }, { 'x-request-id': 'http-req-0001' });
    expect(res.statusCode).toBe(202);
    expect(res.headers['x-request-id']).toBe('http-req-0001');
    const batchId = batchIdOf('u11', ['c1', 'c2', 'c3']);
    expect(res.json()).toEqual({ accepted: 3, duplicates_in_batch: 1, batch_id: batchId });

    const jobs = (await outcomeJobs()).slice(before);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({
      eventId: `${batchId}.${EXPERIMENT_OUTCOMES_JOB}`,
      businessKey: batchId,
      requestId: batchId,
      schemaVersion: 1,
      minReaderVersion: 1,
      producer: expect.stringMatching(/^home-mixer@/) as string,
    });
    const payload = jobs[0]!.payload as ExperimentOutcomes;
    expect(payload.batchId).toBe(batchId);
    expect(
      payload.outcomes.map((o) => [o.client_event_id, o.unit_id, o.event_type, o.value, o.request_id]),
    ).toEqual([
      ['c1', 'u11', 'favorite', 1, 'req-engagement-1'],
      ['c2', 'u11', 'dwell', 4_200, 'req-engagement-1'],
      ['c3', 'u11', 'click', 1, null],
    ]);

    // The client retries (another order, another HTTP request id): same batch id, same event id.
    const retry = await post({ viewer_id: 'u11', events: [...events].reverse() });
    expect(retry.statusCode).toBe(202);
    expect(retry.json()).toMatchObject({ batch_id: batchId });
    const after = (await outcomeJobs()).slice(before);
    expect(after.map((e) => e.eventId)).toEqual([jobs[0]!.eventId, jobs[0]!.eventId]);
  });

  it('rejects events for a response of another viewer, or for a post it did not serve; accepts an expired one', async () => {
    const now = Date.now();
    const posts = await servedFeed('u12', 'req-engagement-2');
    const before = (await outcomeJobs()).length;

    const foreign = await post({
      viewer_id: 'u13',
      events: [
        {
          client_event_id: 'f1',
          type: 'favorite',
          post_id: posts[0],
          request_id: 'req-engagement-2',
          occurred_at_ms: now,
        },
      ],
    });
    expect(foreign.statusCode).toBe(400);
    expect(ErrorResponseSchema.parse(foreign.json()).error.details).toEqual([
      { field: 'events.0.request_id', reason: 'response req-engagement-2 was served to another viewer' },
    ]);

    const unserved = await post({
      viewer_id: 'u12',
      events: [
        {
          client_event_id: 'f2',
          type: 'favorite',
          post_id: posts[0],
          request_id: 'req-engagement-2',
          occurred_at_ms: now,
        },
        {
          client_event_id: 'f3',
          type: 'reply',
          post_id: 'never-served',
          request_id: 'req-engagement-2',
          occurred_at_ms: now,
        },
      ],
    });
    expect(unserved.statusCode).toBe(400);
    expect(unserved.json()).toMatchObject({
      error: {
        code: 'invalid_argument',
        details: [
          {
            field: 'events.1.post_id',
            reason: 'post never-served was not served in response req-engagement-2',
          },
        ],
      },
    });
    expect((await outcomeJobs()).length).toBe(before); // a rejected batch commits nothing

    const expired = await post({
      viewer_id: 'u12',
      events: [
        {
          client_event_id: 'f4',
          type: 'favorite',
          post_id: 'p-any',
          request_id: 'req-long-gone',
          occurred_at_ms: now,
        },
      ],
    });
    expect(expired.statusCode).toBe(202);
    expect((await outcomeJobs()).length).toBe(before + 1);
  });

  it('answers 400 in the feed error shape for invalid input, a bad header, and counts rejected events', async () => {
    const res = await post({
      viewer_id: 'u1',
      events: [{ client_event_id: 'x', type: 'dwell', post_id: 'p1', occurred_at_ms: Date.now() }],
    });
    expect(res.statusCode).toBe(400);
    const error = ErrorResponseSchema.parse(res.json());
    expect(error.error.code).toBe('invalid_argument');
    expect(error.error.details).toEqual([
      { field: 'events.0.value', reason: 'value is required for dwell (the dwell time in ms)' },
    ]);
    expect(error.request_id).toEqual(res.headers['x-request-id']);

    const header = await post({ viewer_id: 'u1', events: [] }, { 'x-request-id': 'bad id!' });
    expect(header.statusCode).toBe(400);
    expect(ErrorResponseSchema.parse(header.json()).error.details[0]?.field).toBe('x-request-id');

    const metrics = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(/foryou_engagement_events_total\{type="dwell",result="rejected"\} [1-9]/);
    expect(metrics.body).toMatch(/foryou_engagement_events_total\{type="favorite",result="accepted"\} [1-9]/);
    expect(metrics.body).toMatch(
      /foryou_engagement_events_total\{type="favorite",result="duplicate_in_batch"\} [1-9]/,
    );
  });

  it('answers 503 with retryable: true when Redis is gone, and counts the events as unavailable', async () => {
    t.redis.disconnect();
    const res = await post({
      viewer_id: 'u14',
      events: [{ client_event_id: 'r1', type: 'repost', post_id: 'p1', occurred_at_ms: Date.now() }],
    }).finally(() => t.redis.connect());
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('1');
    expect(res.json()).toMatchObject({ error: { code: 'unavailable' }, retryable: true });
    const metrics = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(/foryou_engagement_events_total\{type="repost",result="unavailable"\} 1/);
  });
});
