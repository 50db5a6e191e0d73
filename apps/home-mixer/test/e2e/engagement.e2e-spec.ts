import { once } from 'node:events';
import { DEFAULT_OUTBOX_STREAM } from '@foryou/async-work';
import { ErrorResponseSchema, FeedResponseSchema } from '@foryou/contracts';
import { createScratchDatabase, type ScratchDatabase } from '@foryou/experiments-store';
import { WorkersBed } from '../../../workers/test/support/workers-bed';
import { eventually, type WorkersProcess } from '../../../workers/test/support/workers-process';
import { freePort, startProc, waitReady, type Proc } from './stack';

jest.setTimeout(180_000);

interface OutcomeRowSql {
  client_event_id: string;
  unit_id: string;
  event_type: string;
  value: number;
  post_id: string | null;
  request_id: string | null;
  occurred_at_ms: number;
}

/**
 * Outcomes end to end with real processes: home-mixer answers `POST /v1/events/engagement` after one
 * outbox commit on a private Redis; a real workers process relays the job and writes the outcomes into a
 * scratch Postgres database. A retried POST and a partial re-send add no row; distinct events are all
 * kept; an invalid batch and an event for another viewer's response are refused with 400 and leave
 * nothing behind (checked after a later batch was written, never by waiting for time to pass).
 */
describe('engagement outcomes: POST /v1/events/engagement → outbox → workers → Postgres', () => {
  let db: ScratchDatabase;
  let bed: WorkersBed;
  let workers: WorkersProcess;
  let mixer: Proc;
  let base: string;

  beforeAll(async () => {
    db = await createScratchDatabase({ prefix: 'engagement_e2e' });
    bed = await WorkersBed.start({ DATABASE_URL: db.url });
    workers = await bed.spawn();
    const port = await freePort();
    // Thunder and Phoenix are not running: the feed degrades (fail-open) and serves cached candidates.
    mixer = startProc('home-mixer', 'apps/home-mixer/dist/main.js', {
      REDIS_URL: bed.server.url,
      REDIS_KEY_PREFIX: 'foryou:',
      PORT: String(port),
      HOST: '127.0.0.1',
      WORLD_SCALE: 'small',
      WORLD_SEED: '42',
      THUNDER_ADDRESS: `127.0.0.1:${await freePort()}`,
      PHOENIX_ADDRESS: `127.0.0.1:${await freePort()}`,
      OTEL_EXPORTER_OTLP_ENDPOINT: '',
      LOG_LEVEL: 'warn',
    });
    base = `http://127.0.0.1:${port}`;
    await waitReady(mixer, `${base}/readyz`);
  });

  afterAll(async () => {
    if (mixer && mixer.child.exitCode === null && mixer.child.signalCode === null) {
      mixer.child.kill('SIGKILL');
      await once(mixer.child, 'exit');
    }
    await bed?.stopWorkers();
    await bed?.close();
    await db?.drop();
  });

  /** Posts a real feed response served to `viewer` (recorded under `requestId`). */
  async function servedPosts(viewer: string, requestId: string): Promise<string[]> {
    const res = await fetch(`${base}/v1/feed/for-you?viewer_id=${viewer}`, {
      headers: { 'x-request-id': requestId },
    });
    expect(res.status).toBe(200);
    const feed = FeedResponseSchema.parse(await res.json());
    const posts = feed.items.filter((i) => i.type === 'post').map((i) => i.id);
    expect(posts.length).toBeGreaterThanOrEqual(2);
    return posts;
  }

  async function postEvents(body: unknown): Promise<{ status: number; json: unknown }> {
    const res = await fetch(`${base}/v1/events/engagement`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, json: await res.json() };
  }

  async function rows(): Promise<OutcomeRowSql[]> {
    const { rows: found } = await db.pool
      .query<OutcomeRowSql>(
        `SELECT client_event_id, unit_id, event_type, value, post_id, request_id,
                (extract(epoch FROM occurred_at) * 1000)::bigint::float8 AS occurred_at_ms
           FROM experiments.outcomes ORDER BY unit_id, client_event_id`,
      )
      .catch(() => ({ rows: [] as OutcomeRowSql[] })); // before the workers' first migration
    return found;
  }

  /** Waits until the outbox and queue are empty and `expected` client event ids are stored. */
  async function stored(expected: number, what: string): Promise<OutcomeRowSql[]> {
    await eventually(async () => {
      const c = await bed.queue.getJobCounts('waiting', 'active', 'delayed', 'failed');
      return (
        (await bed.redis.xlen(DEFAULT_OUTBOX_STREAM)) === 0 &&
        c['waiting'] === 0 &&
        c['active'] === 0 &&
        c['delayed'] === 0 &&
        (await rows()).length === expected
      );
    }, what);
    const c = await bed.queue.getJobCounts('failed');
    expect(c['failed']).toBe(0);
    return rows();
  }

  it('stores one row per event: a retried POST and a partial re-send add nothing, distinct ids are all kept', async () => {
    const posts = await servedPosts('u5', 'e2e-engagement-req-1');
    const t0 = Date.now();
    const events = [
      {
        client_event_id: 'fav-1',
        type: 'favorite',
        post_id: posts[0],
        request_id: 'e2e-engagement-req-1',
        occurred_at_ms: t0,
      },
      {
        client_event_id: 'dwell-1',
        type: 'dwell',
        value: 5_400,
        post_id: posts[0],
        request_id: 'e2e-engagement-req-1',
        occurred_at_ms: t0 + 1,
      },
      // a second, distinct favorite on the same post (another real tap): kept
      {
        client_event_id: 'fav-2',
        type: 'favorite',
        post_id: posts[0],
        request_id: 'e2e-engagement-req-1',
        occurred_at_ms: t0 + 2,
      },
      { client_event_id: 'click-1', type: 'click', post_id: posts[1], occurred_at_ms: t0 + 3 },
    ];
    const first = await postEvents({ viewer_id: 'u5', events });
    expect(first).toEqual({
      status: 202,
      json: { accepted: 4, duplicates_in_batch: 0, batch_id: expect.stringMatching(/^eng_/) as string },
    });
    // The client did not see the 202 and retries: same ids (another order) → same batch id.
    const retry = await postEvents({ viewer_id: 'u5', events: [...events].reverse() });
    expect(retry.status).toBe(202);
    expect(retry.json).toEqual(first.json);
    // A partial re-send in another batch (another batch id): only the new event is stored.
    const partial = await postEvents({
      viewer_id: 'u5',
      events: [
        events[0],
        { client_event_id: 'reply-1', type: 'reply', post_id: posts[1], occurred_at_ms: t0 + 4 },
      ],
    });
    expect(partial.status).toBe(202);
    expect((partial.json as { batch_id: string }).batch_id).not.toBe(
      (first.json as { batch_id: string }).batch_id,
    );

    const found = await stored(5, 'five outcomes stored');
    expect(found).toEqual([
      {
        client_event_id: 'click-1',
        unit_id: 'u5',
        event_type: 'click',
        value: 1,
        post_id: posts[1],
        request_id: null,
        occurred_at_ms: t0 + 3,
      },
      {
        client_event_id: 'dwell-1',
        unit_id: 'u5',
        event_type: 'dwell',
        value: 5_400,
        post_id: posts[0],
        request_id: 'e2e-engagement-req-1',
        occurred_at_ms: t0 + 1,
      },
      {
        client_event_id: 'fav-1',
        unit_id: 'u5',
        event_type: 'favorite',
        value: 1,
        post_id: posts[0],
        request_id: 'e2e-engagement-req-1',
        occurred_at_ms: t0,
      },
      {
        client_event_id: 'fav-2',
        unit_id: 'u5',
        event_type: 'favorite',
        value: 1,
        post_id: posts[0],
        request_id: 'e2e-engagement-req-1',
        occurred_at_ms: t0 + 2,
      },
      {
        client_event_id: 'reply-1',
        unit_id: 'u5',
        event_type: 'reply',
        value: 1,
        post_id: posts[1],
        request_id: null,
        occurred_at_ms: t0 + 4,
      },
    ]);
    // The same client id from another viewer is another event.
    expect((await postEvents({ viewer_id: 'u6', events: [events[3]] })).status).toBe(202);
    expect(
      (await stored(6, 'the other viewer stored')).filter((r) => r.client_event_id === 'click-1'),
    ).toHaveLength(2);
    const metrics = await (await fetch(`${workers.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(
      /foryou_async_jobs_total\{type="experiment-outcomes.record",outcome="applied"\} [1-9]/,
    );
  });

  it('refuses an invalid batch and an event for another viewer’s response with 400, writing nothing', async () => {
    const before = (await rows()).length;
    const posts = await servedPosts('u7', 'e2e-engagement-req-2');
    const t0 = Date.now();
    const invalid = await postEvents({
      viewer_id: 'u7',
      events: [
        {
          client_event_id: 'bad-1',
          type: 'favorite',
          post_id: posts[0],
          request_id: 'e2e-engagement-req-2',
          occurred_at_ms: t0,
        },
        { client_event_id: 'bad-2', type: 'dwell', post_id: posts[0], occurred_at_ms: t0 },
      ],
    });
    expect(invalid.status).toBe(400);
    expect(ErrorResponseSchema.parse(invalid.json).error.details).toEqual([
      { field: 'events.1.value', reason: 'value is required for dwell (the dwell time in ms)' },
    ]);

    const foreign = await postEvents({
      viewer_id: 'u8',
      events: [
        {
          client_event_id: 'steal-1',
          type: 'favorite',
          post_id: posts[0],
          request_id: 'e2e-engagement-req-2',
          occurred_at_ms: t0,
        },
      ],
    });
    expect(foreign.status).toBe(400);
    expect(ErrorResponseSchema.parse(foreign.json).error.details).toEqual([
      { field: 'events.0.request_id', reason: 'response e2e-engagement-req-2 was served to another viewer' },
    ]);

    // A valid batch after them: once it is stored, anything the refused batches had committed would be too.
    const sentinel = await postEvents({
      viewer_id: 'u7',
      events: [
        {
          client_event_id: 'ok-1',
          type: 'favorite',
          post_id: posts[0],
          request_id: 'e2e-engagement-req-2',
          occurred_at_ms: t0,
        },
      ],
    });
    expect(sentinel.status).toBe(202);
    const found = await stored(before + 1, 'the valid batch stored');
    expect(found.filter((r) => ['bad-1', 'bad-2', 'steal-1', 'ok-1'].includes(r.client_event_id))).toEqual([
      expect.objectContaining({ client_event_id: 'ok-1', unit_id: 'u7' }),
    ]);
  });
});
