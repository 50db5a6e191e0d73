import {
  DEFAULT_OUTBOX_STREAM,
  eventIdOf,
  Outbox,
  Quarantine,
  sideEffectJobOptions,
} from '@foryou/async-work';
import { envelopeFor, RedisServedHistoryRepository, servedHistoryWork } from '@foryou/feed-state';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { commitResponse, historyOf, loggedItemsByRequest } from '../support/feed-producer';
import { WorkersBed } from '../support/workers-bed';
import { eventually } from '../support/workers-process';

jest.setTimeout(90_000);

describe('workers: schema evolution, poison jobs and duplicate deliveries', () => {
  let bed: WorkersBed;
  let redis: Redis;
  let queue: Queue;

  beforeAll(async () => {
    bed = await WorkersBed.start({ WORKER_ATTEMPTS: '3' });
    ({ redis, queue } = bed);
  });

  afterEach(() => bed.reset(true));

  afterAll(() => bed.close());

  const settled = (completed: number, failed = 0) =>
    bed.settled({ completed, failed }, `${completed} completed and ${failed} quarantined`);

  // Rolling upgrades and rollbacks mix producer and consumer versions (book 4.6 §11).
  it.each([
    { producer: 1, worker: 1, requestType: 'unknown' },
    { producer: 1, worker: 2, requestType: 'unknown' },
    { producer: 2, worker: 1, requestType: 'unknown' },
    { producer: 2, worker: 2, requestType: 'for_you' },
  ] as const)(
    'producer v$producer → worker v$worker: served history is applied ($requestType request type)',
    async ({ producer, worker, requestType }) => {
      await bed.spawn(worker === 1 ? { WORKER_MAX_SCHEMA_VERSION: '1' } : {});
      await commitResponse(redis, { requestId: 'r1', viewerId: 'v', postIds: ['a', 'b'] }, producer);
      await settled(2);
      expect(await historyOf(redis, 'v')).toEqual(['a', 'b']);
      expect(await new RedisServedHistoryRepository(redis).requestTypes('v')).toEqual(
        new Map([
          ['a', requestType],
          ['b', requestType],
        ]),
      );
    },
  );

  it('should quarantine poison and unknown-schema jobs with a reason while healthy jobs flow, and replay on request', async () => {
    await bed.spawn({ WORKER_MAX_SCHEMA_VERSION: '1' });
    // A payload that can never be valid, an entry that is not an envelope, and an event whose producer
    // declared it needs a v2 reader (a breaking change) arriving at a v1 worker.
    const ctx = { requestId: 'bad-1', producer: 'test', createdAtMs: Date.now() };
    const invalid = envelopeFor(ctx, { ...servedHistoryWork(sample('bad-1')), payload: { viewerId: 42 } });
    const future = {
      ...envelopeFor({ ...ctx, requestId: 'future-1' }, servedHistoryWork(sample('future-1'))),
      schemaVersion: 2,
      minReaderVersion: 2,
    };
    await new Outbox(redis).commit([invalid, future]);
    await redis.xadd(DEFAULT_OUTBOX_STREAM, '*', 'type', 'x', 'event', '{not json');
    for (let n = 0; n < 20; n++) {
      await commitResponse(redis, { requestId: `ok-${n}`, viewerId: `v${n % 3}`, postIds: [`p${n}`] });
    }
    await settled(40, 3);
    const logged = await loggedItemsByRequest(redis);
    expect([...logged.values()].filter((n) => n === 1)).toHaveLength(20);

    const quarantine = new Quarantine(queue, redis);
    const held = await quarantine.list();
    expect(held.map((q) => [q.type, q.reason.match(/^\[(\w+)\]/)?.[1], q.classification]).sort()).toEqual([
      ['malformed', 'malformed_envelope', 'permanent'],
      ['served-history.update', 'invalid_payload', 'permanent'],
      ['served-history.update', 'unknown_schema_version', 'permanent'],
    ]);
    for (const q of held) {
      expect(q.firstFailedAtMs).toBeGreaterThan(0);
      expect(q.attempts).toBe(1); // permanent: no retries spent
    }

    // The fix for the v2-only event is a newer worker; after the upgrade an operator replays it.
    await bed.stopWorkers(true);
    await bed.spawn();
    const futureJob = held.find((q) => q.reason.includes('unknown_schema_version'))!;
    await expect(quarantine.replay(futureJob.jobId, 'test-operator')).resolves.toBe(true);
    await eventually(async () => (await historyOf(redis, 'v-future-1')).length === 1, 'replayed v2 event');
    expect((await quarantine.audit()).map((a) => [a.jobId, a.by])).toEqual([
      [futureJob.jobId, 'test-operator'],
    ]);
  });

  it('should retry a transient failure with backoff and quarantine it once the attempt budget is spent', async () => {
    await bed.spawn();
    // A wrong-type key makes the served-history script fail on every attempt: transient by class.
    await redis.set('served:v-broken', 'not a sorted set');
    await commitResponse(redis, { requestId: 'tr-1', viewerId: 'v-broken', postIds: ['x'] });
    await settled(1, 1);
    const [held] = await new Quarantine(queue, redis).list();
    expect(held).toMatchObject({ type: 'served-history.update', classification: 'transient', attempts: 3 });
  });

  it('should apply an effect once however often it is delivered', async () => {
    await bed.spawn();
    const envelopes = await commitResponse(redis, {
      requestId: 'dup-1',
      viewerId: 'vd',
      postIds: ['a', 'b'],
    });
    // The same outbox entries again (a relay re-send) ...
    await new Outbox(redis).commit(envelopes);
    await settled(2);
    // ... and the same events under new job ids (as if BullMQ had already forgotten the first ones).
    for (const e of envelopes) {
      await queue.add(
        e.type,
        { ...e, eventId: eventIdOf(e.eventId, 'again') },
        {
          ...sideEffectJobOptions(),
          jobId: eventIdOf(e.eventId, 'again'),
        },
      );
    }
    await settled(4);
    expect(await loggedItemsByRequest(redis)).toEqual(new Map([['dup-1', 2]]));
    expect(await historyOf(redis, 'vd')).toEqual(['a', 'b']);
  });
});

function sample(requestId: string) {
  return {
    viewerId: `v-${requestId}`,
    requestId,
    requestType: 'for_you',
    servedAtMs: Date.now(),
    postIds: ['p'],
    maxEntries: 10,
  };
}
