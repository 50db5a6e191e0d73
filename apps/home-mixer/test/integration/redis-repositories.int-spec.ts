import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import {
  RedisCandidateCacheRepository,
  CANDIDATE_CACHE_VERSION,
} from '../../src/repositories/candidate-cache.repository';
import { RedisServedHistoryRepository } from '../../src/repositories/served-history.repository';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('Redis repositories', () => {
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
      await sut.append(
        'v1',
        [1, 2, 3].map((t) => ({ postId: `p${t}`, servedAtMs: t * 1000 })),
        3,
      );
      await sut.append(
        'v1',
        [
          { postId: 'p4', servedAtMs: 4000 },
          { postId: 'p2', servedAtMs: 5000 },
        ],
        3,
      );
      const all = await sut.read('v1', 0, 10);
      expect(all).toEqual({
        ok: true,
        value: [
          { postId: 'p2', servedAtMs: 5000 },
          { postId: 'p4', servedAtMs: 4000 },
          { postId: 'p3', servedAtMs: 3000 },
        ],
      });
      expect((await sut.read('v1', 4000, 10)).ok && (await sut.read('v1', 4000, 10))).toMatchObject({
        value: [{ postId: 'p2' }, { postId: 'p4' }],
      });
      expect(await redis.ttl('served:v1')).toBeGreaterThan(0);
    });

    it('should replace a whole history atomically', async () => {
      await sut.append('v2', [{ postId: 'old', servedAtMs: 1 }], 10);
      await sut.replace('v2', [{ postId: 'seed', servedAtMs: 2 }], 10);
      expect(await sut.read('v2', 0, 10)).toEqual({ ok: true, value: [{ postId: 'seed', servedAtMs: 2 }] });
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

    it('should round-trip a versioned entry with a TTL', async () => {
      const posts = [{ postId: 'p1', score: 0.5, version: 'm1' }];
      await sut.write('v1', posts, 60);
      expect(await sut.read('v1')).toEqual({ ok: true, value: posts });
      const ttl = await redis.ttl(`${CANDIDATE_CACHE_VERSION}:v1`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(60);
    });

    it('should treat a missing entry as empty and a malformed one as invalid_response', async () => {
      expect(await sut.read('nobody')).toEqual({ ok: true, value: [] });
      await redis.set(`${CANDIDATE_CACHE_VERSION}:broken`, '{"not":"a list"}');
      expect(await sut.read('broken')).toMatchObject({ ok: false, error: { kind: 'invalid_response' } });
    });
  });
});
