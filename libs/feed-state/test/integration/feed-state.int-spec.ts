import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import {
  CANDIDATE_CACHE_VERSION,
  RedisCandidateCacheRepository,
  RedisServedHistoryRepository,
  reconcileServedHistory,
  ServedCandidatesLog,
  type ServedHistoryUpdate,
} from '@foryou/feed-state';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

function update(over: Partial<ServedHistoryUpdate>): ServedHistoryUpdate {
  return {
    viewerId: 'v1',
    requestId: 'r1',
    requestType: 'for_you',
    servedAtMs: 1000,
    postIds: [],
    maxEntries: 3,
    ...over,
  };
}

describe('feed state on Redis', () => {
  const prefix = `foryou-test:${randomUUID()}:`;
  const redis = new Redis(REDIS_URL, { keyPrefix: prefix, maxRetriesPerRequest: 1 });

  afterAll(async () => {
    const raw = new Redis(REDIS_URL);
    const keys = await raw.keys(`${prefix}*`);
    if (keys.length > 0) {
      await raw.del(...keys);
    }
    raw.disconnect();
    redis.disconnect();
  });

  describe(RedisServedHistoryRepository.name, () => {
    const sut = new RedisServedHistoryRepository(redis);

    it('should keep the newest entries up to the bound and read a window newest first', async () => {
      await sut.apply(update({ postIds: ['p1', 'p2', 'p3'], servedAtMs: 1000 }), 'k1');
      await sut.apply(update({ postIds: ['p4', 'p2'], servedAtMs: 5000, requestId: 'r2' }), 'k2');
      expect(await sut.read('v1', 0, 10)).toEqual({
        ok: true,
        value: [
          { postId: 'p4', servedAtMs: 5000 },
          { postId: 'p2', servedAtMs: 5000 },
          { postId: 'p3', servedAtMs: 1000 },
        ],
      });
      expect(await redis.ttl('served:v1')).toBeGreaterThan(0);
      // The request-type hash is trimmed with the history.
      expect([...(await sut.requestTypes('v1')).keys()].sort()).toEqual(['p2', 'p3', 'p4']);
    });

    it('should apply a business key once and never move a post back in time', async () => {
      expect(await sut.apply(update({ viewerId: 'v2', postIds: ['a'], servedAtMs: 9000 }), 'b1')).toBe(
        'applied',
      );
      expect(await sut.apply(update({ viewerId: 'v2', postIds: ['a', 'b'], servedAtMs: 9000 }), 'b1')).toBe(
        'duplicate',
      );
      // A late delivery of an older response adds what is new but keeps a's newer time.
      await sut.apply(
        update({ viewerId: 'v2', postIds: ['a', 'c'], servedAtMs: 2000, requestType: 'old' }),
        'b0',
      );
      expect(await sut.read('v2', 0, 10)).toEqual({
        ok: true,
        value: [
          { postId: 'a', servedAtMs: 9000 },
          { postId: 'c', servedAtMs: 2000 },
        ],
      });
      expect(await sut.requestTypes('v2')).toEqual(
        new Map([
          ['a', 'for_you'],
          ['c', 'old'],
        ]),
      );
    });

    it('should replace a whole history atomically', async () => {
      await sut.apply(update({ viewerId: 'v3', postIds: ['old'] }), 'x');
      await sut.replace('v3', [{ postId: 'seed', servedAtMs: 2 }], 10);
      expect(await sut.read('v3', 0, 10)).toEqual({ ok: true, value: [{ postId: 'seed', servedAtMs: 2 }] });
    });

    it('should report a read failure as dependency_unavailable, not throw', async () => {
      const down = new Redis('redis://127.0.0.1:1', {
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        enableOfflineQueue: false,
      });
      const result = await new RedisServedHistoryRepository(down).read('v', 0, 1);
      expect(result).toMatchObject({ ok: false, error: { kind: 'dependency_unavailable' } });
      down.disconnect();
    });
  });

  describe(RedisCandidateCacheRepository.name, () => {
    const sut = new RedisCandidateCacheRepository(redis);
    const posts = [{ postId: 'p1', score: 0.5, version: 'm1' }];

    it('should round-trip a versioned entry with a TTL', async () => {
      const write = { viewerId: 'v1', requestId: 'r1', writtenAtMs: 10, posts, ttlSeconds: 60 };
      expect(await sut.apply(write, 'w1')).toBe('applied');
      expect(await sut.read('v1')).toEqual({ ok: true, value: posts });
      const ttl = await redis.ttl(`${CANDIDATE_CACHE_VERSION}:v1`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(60);
    });

    it('should not let an older write replace a newer one', async () => {
      const newer = [{ postId: 'new', score: 1, version: 'm2' }];
      await sut.apply(
        { viewerId: 'v2', requestId: 'r2', writtenAtMs: 200, posts: newer, ttlSeconds: 60 },
        'n',
      );
      expect(
        await sut.apply({ viewerId: 'v2', requestId: 'r1', writtenAtMs: 100, posts, ttlSeconds: 60 }, 'o'),
      ).toBe('superseded');
      expect(await sut.read('v2')).toEqual({ ok: true, value: newer });
    });

    it('should treat a missing entry as empty and a malformed one as invalid_response', async () => {
      expect(await sut.read('nobody')).toEqual({ ok: true, value: [] });
      await redis.set(`${CANDIDATE_CACHE_VERSION}:broken`, '{"not":"a cache"}');
      expect(await sut.read('broken')).toMatchObject({ ok: false, error: { kind: 'invalid_response' } });
    });
  });

  describe('served-candidates log and reconciliation', () => {
    const log = new ServedCandidatesLog(redis);
    const history = new RedisServedHistoryRepository(redis);
    const item = (postId: string, position: number) => ({
      postId,
      position,
      sources: ['in_network'],
      score: 1,
      modelVersion: 'm',
    });
    const record = (requestId: string, viewerId: string, postIds: string[], servedAtMs: number) => ({
      viewerId,
      requestId,
      requestType: 'for_you',
      servedAtMs,
      maxHistoryEntries: 50,
      items: postIds.map(item),
    });

    it('should log each served item once per business key', async () => {
      const before = await log.length();
      expect(await log.apply(record('q1', 'w1', ['a', 'b'], 1), 'q1')).toBe('applied');
      expect(await log.apply(record('q1', 'w1', ['a', 'b'], 1), 'q1')).toBe('duplicate');
      expect((await log.length()) - before).toBe(2);
      await history.apply(
        update({ viewerId: 'w1', requestId: 'q1', postIds: ['a', 'b'], servedAtMs: 1, maxEntries: 50 }),
        'q1',
      );
    });

    it('should find served posts missing from history, repair them once, and leave the rest alone', async () => {
      const now = Date.now();
      // r-ok was applied to history; r-lost never was (a lost side effect).
      await log.apply(record('r-ok', 'rv1', ['x1', 'x2'], now - 5000), 'r-ok');
      await history.apply(
        update({
          viewerId: 'rv1',
          requestId: 'r-ok',
          postIds: ['x1', 'x2'],
          servedAtMs: now - 5000,
          maxEntries: 50,
        }),
        'r-ok',
      );
      await log.apply(record('r-lost', 'rv2', ['y1', 'y2'], now - 4000), 'r-lost');
      const opts = { windowMs: 60_000, graceMs: 0, maxRepairsPerSecond: 1000, nowMs: Date.now() + 10 };

      const dry = await reconcileServedHistory(redis, { ...opts, dryRun: true });
      expect(dry).toMatchObject({ dryRun: true, missingItems: 2, repairedRequests: 0 });
      expect(dry.samples).toEqual([
        expect.objectContaining({ requestId: 'r-lost', postIds: ['y1', 'y2'], repaired: false }),
      ]);
      expect(await history.read('rv2', 0, 10)).toEqual({ ok: true, value: [] });

      const fix = await reconcileServedHistory(redis, { ...opts, dryRun: false });
      expect(fix).toMatchObject({ missingItems: 2, repairedRequests: 1 });
      expect(await history.read('rv2', 0, 10)).toEqual({
        ok: true,
        value: [
          { postId: 'y2', servedAtMs: now - 4000 },
          { postId: 'y1', servedAtMs: now - 4000 },
        ],
      });
      const again = await reconcileServedHistory(redis, { ...opts, dryRun: false });
      expect(again).toMatchObject({ missingItems: 0, repairedRequests: 0 });
    });
  });
});
