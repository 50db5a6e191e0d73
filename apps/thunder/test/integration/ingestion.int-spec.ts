import { randomUUID } from 'node:crypto';
import { encodePostEvent, postEventPartition, postEventStreamKey, type PostEvent } from '@foryou/contracts';
import { createLogger } from '@foryou/telemetry';
import { generateWorld } from '@foryou/world';
import { Redis } from 'ioredis';
import { Readiness } from '../../src/health/readiness';
import { EntryApplier } from '../../src/ingest/entry-applier';
import { Ingestor } from '../../src/ingest/ingestor';
import { readOrInitEpoch } from '../../src/ingest/stream-epoch';
import { restoreStore } from '../../src/snapshot/restore';
import { encodeSnapshot } from '../../src/snapshot/snapshot-codec';
import { PostStore } from '../../src/store/post-store';
import { storeDigest } from '../../src/store/store-digest';
import type { PostStoreOptions } from '../../src/store/types';
import { RecordingObserver } from '../support/observers';
import { PrivateRedis } from '../support/redis-server';
import { deletePrefix, eventually, publish, REDIS_URL } from '../support/redis-streams';
import { followUp, worldCreates } from '../support/world-events';

const PARTITIONS = 4;
const OPTIONS: PostStoreOptions = {
  partitions: PARTITIONS,
  retentionMs: 48 * 3_600_000,
  allowedLatenessMs: 3_600_000,
  maxPostsPerAuthor: 1000,
  dedupeIdsPerPartition: 10_000,
};
const logger = createLogger({ service: 'thunder-int', level: 'silent' });
const creates = worldCreates(generateWorld({ seed: 7, scale: 'small' }), 'int');

/** Creates, then updates and deletes of some of them, plus redeliveries (same event ids). */
function mixedEvents(from: number, to: number): PostEvent[] {
  const slice = creates.slice(from, to);
  return [
    ...slice,
    ...slice.filter((_, i) => i % 50 === 0).map((c) => followUp(c, 'update', 60_000)),
    ...slice.filter((_, i) => i % 70 === 0).map((c) => followUp(c, 'delete', 120_000)),
    ...slice.filter((_, i) => i % 40 === 0),
  ];
}

/** The state the streams imply: every entry applied in stream order, per partition, in-process. */
async function referenceStore(redis: Redis, prefix: string): Promise<PostStore> {
  const store = new PostStore(OPTIONS);
  const applier = new EntryApplier(
    store,
    { eventApplied: () => undefined, ingestDelay: () => undefined },
    logger,
  );
  for (let p = 0; p < PARTITIONS; p++) {
    for (const [id, fields] of await redis.xrange(postEventStreamKey(prefix, p), '-', '+')) {
      applier.apply(p, { id, fields }, 'replay');
    }
  }
  return store;
}

/** Pending count and last-delivered id of the `thunder` group on every partition. */
async function groupState(
  redis: Redis,
  prefix: string,
): Promise<{ pending: number; lastDelivered: string }[]> {
  const out = [];
  for (let p = 0; p < PARTITIONS; p++) {
    const groups = (await redis.call('XINFO', 'GROUPS', postEventStreamKey(prefix, p))) as unknown[][];
    const g = groups.find((fields) => fields[fields.indexOf('name') + 1] === 'thunder')!;
    out.push({
      pending: g[g.indexOf('pending') + 1] as number,
      lastDelivered: g[g.indexOf('last-delivered-id') + 1] as string,
    });
  }
  return out;
}

function harness(store: PostStore, prefix: string, epoch: string, redisUrl = REDIS_URL) {
  const observer = new RecordingObserver();
  const readiness = new Readiness(PARTITIONS, 1);
  const ingestor = new Ingestor(
    { redisUrl, prefix, consumerGroup: 'thunder', readBatch: 200, lagPollMs: 50, blockMs: 500 },
    { store, metrics: observer, readiness, logger, epoch },
  );
  const ready = new Promise<void>((resolve) => readiness.onFirstReady(resolve));
  /** Resolves at the next change of readiness to `value`. */
  const becomes = (value: boolean) =>
    new Promise<void>((resolve) => readiness.onChange((ready) => ready === value && resolve()));
  return { observer, readiness, ingestor, ready, becomes };
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

describe('Thunder ingestion from Redis Streams', () => {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  let prefix: string;
  let epoch: string;
  const stops: (() => Promise<void>)[] = [];

  beforeEach(async () => {
    prefix = `foryou-test:${randomUUID()}:`;
    epoch = await readOrInitEpoch(redis, prefix);
  });
  afterEach(async () => {
    try {
      for (const stop of stops.splice(0).reverse()) {
        await stop();
      }
    } finally {
      await deletePrefix(redis, prefix);
    }
  });
  afterAll(() => redis.disconnect());

  it('should replay, then read live through the consumer group, skip invalid entries and ack everything', async () => {
    const before = mixedEvents(0, 800);
    await publish(redis, prefix, PARTITIONS, before);
    const store = new PostStore(OPTIONS);
    const h = harness(store, prefix, epoch);
    stops.push(() => h.ingestor.stop());
    h.readiness.markRestored();
    h.ingestor.start();
    await h.ready;
    expect(store.consumed().reduce((a, b) => a + b, 0)).toBe(before.length);

    // Live: a schema-invalid entry, a misrouted one, then more valid events behind them.
    const misrouted = creates[900]!;
    const wrong = (postEventPartition(misrouted.authorId, PARTITIONS) + 1) % PARTITIONS;
    await redis.xadd(
      postEventStreamKey(prefix, 0),
      '*',
      'schema_version',
      '1',
      'type',
      'create',
      'post_id',
      'x',
    );
    await redis.xadd(postEventStreamKey(prefix, wrong), '*', ...encodePostEvent(misrouted));
    const after = mixedEvents(800, 1200);
    await publish(redis, prefix, PARTITIONS, after);
    const total = before.length + 2 + after.length;
    await h.observer.consumed(total);

    expect(sum(store.consumed())).toBe(total);
    expect(h.observer.kinds()).toMatchObject({ invalid: 2, duplicate: 10 + 20 });
    expect(storeDigest(store)).toBe(storeDigest(await referenceStore(redis, prefix)));
    // The ack follows the apply of each batch: wait for Redis to have it.
    await eventually(
      () => groupState(redis, prefix),
      (groups) => expect(groups).toEqual(store.offsets().map((o) => ({ pending: 0, lastDelivered: o }))),
    );
    expect(await h.ingestor.measureLag()).toEqual([0, 0, 0, 0]);
  });

  it('should report lag as entries behind each stream tip', async () => {
    const events = mixedEvents(0, 300);
    await publish(redis, prefix, PARTITIONS, events);
    const perPartition = [0, 1, 2, 3].map(
      (p) => events.filter((e) => postEventPartition(e.authorId, PARTITIONS) === p).length,
    );
    const h = harness(new PostStore(OPTIONS), prefix, epoch);
    stops.push(() => h.ingestor.stop());

    expect(await h.ingestor.measureLag()).toEqual(perPartition);
    expect(h.observer.lag).toEqual(perPartition);
    expect(h.readiness.report()).toMatchObject({ ready: false, reason: 'restoring' });
    h.readiness.markRestored();
    h.ingestor.start();
    await h.ready;
    expect(h.observer.lag).toEqual([0, 0, 0, 0]);
  });

  it('should restart from a snapshot, replay only what follows its offsets and ack leftover deliveries', async () => {
    const first = mixedEvents(0, 600);
    await publish(redis, prefix, PARTITIONS, first);
    const store1 = new PostStore(OPTIONS);
    const h1 = harness(store1, prefix, epoch);
    h1.readiness.markRestored();
    h1.ingestor.start();
    await h1.ready;
    const snapshot = encodeSnapshot({
      meta: { epoch, streamPrefix: prefix, writtenAtMs: Date.now(), options: OPTIONS },
      state: store1.exportState(),
    });
    await h1.ingestor.stop();

    const second = mixedEvents(600, 1000);
    await publish(redis, prefix, PARTITIONS, second);
    // A crash between delivery and apply: the group delivered these to Thunder's consumers, no ack.
    for (let p = 0; p < PARTITIONS; p++) {
      await redis.xreadgroup(
        'GROUP',
        'thunder',
        `thunder-p${p}`,
        'COUNT',
        50,
        'STREAMS',
        postEventStreamKey(prefix, p),
        '>',
      );
    }
    expect(sum((await groupState(redis, prefix)).map((g) => g.pending))).toBeGreaterThan(0);

    const decision = restoreStore(snapshot, { epoch, streamPrefix: prefix, options: OPTIONS });
    expect(decision.source).toBe('snapshot');
    const h2 = harness(decision.store, prefix, epoch);
    stops.push(() => h2.ingestor.stop());
    h2.readiness.markRestored();
    h2.ingestor.start();
    await h2.ready;
    await h2.observer.consumed(second.length);

    expect(h2.observer.results).toHaveLength(second.length);
    expect(storeDigest(decision.store)).toBe(storeDigest(await referenceStore(redis, prefix)));
    await eventually(
      () => groupState(redis, prefix),
      (groups) => expect(groups.map((g) => g.pending)).toEqual([0, 0, 0, 0]),
    );
  });

  it('should stay up, turn unready while Redis is down and catch up when it is back', async () => {
    const privateRedis = await PrivateRedis.start();
    stops.push(() => privateRedis.stop());
    const own = new Redis(privateRedis.url, { maxRetriesPerRequest: 1, lazyConnect: true });
    await own.connect();
    const ownEpoch = await readOrInitEpoch(own, prefix);
    await publish(own, prefix, PARTITIONS, mixedEvents(0, 300));
    own.disconnect();
    const store = new PostStore(OPTIONS);
    const h = harness(store, prefix, ownEpoch, privateRedis.url);
    stops.push(() => h.ingestor.stop());
    h.readiness.markRestored();
    h.ingestor.start();
    await h.ready;

    const down = h.becomes(false);
    await privateRedis.kill();
    await down;
    expect(h.readiness.report().reason).toBe('redis_unavailable');
    const up = h.becomes(true);
    await privateRedis.restart();
    await up;

    const back = new Redis(privateRedis.url, { maxRetriesPerRequest: 1 });
    const more = mixedEvents(300, 500);
    const consumedBefore = sum(store.consumed());
    const caughtUp = h.observer.consumed(h.observer.results.length + more.length);
    await publish(back, prefix, PARTITIONS, more);
    await caughtUp;

    expect(sum(store.consumed())).toBe(consumedBefore + more.length);
    expect(h.observer.redisErrors.length).toBeGreaterThan(0);
    expect(storeDigest(store)).toBe(storeDigest(await referenceStore(back, prefix)));
    back.disconnect();
  }, 60_000);
});
