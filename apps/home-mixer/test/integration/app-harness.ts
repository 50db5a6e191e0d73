import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createLogger, type Logger } from '@foryou/telemetry';
import type { World } from '@foryou/world';
import { Redis } from 'ioredis';
import type { Adapters } from '../../src/adapters';
import { loadConfig } from '../../src/config/app-config';
import { createApp } from '../../src/create-app';
import type { AppModuleOptions } from '../../src/app.module';
import type { FaultRegistry } from '../../src/faults/fault-registry';
import { ParamsStore } from '../../src/params/params-store';
import { smallWorld } from '../../src/testing/pipeline-harness';
import { worldAdapters } from '../../src/testing/world-adapters';
import { FeedClock } from '../../src/world/feed-clock';
import { seedWorldState } from '../../src/world/world-seeder';

export interface TestApp {
  readonly app: NestFastifyApplication;
  readonly world: World;
  readonly redis: Redis;
  readonly adapters: Adapters;
  readonly params: ParamsStore;
  readonly feedClock: FeedClock;
  close(): Promise<void>;
}

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * home-mixer on real Redis under a key prefix unique to this run (removed on close), with the small
 * world. `override` replaces adapters (fault injection, barriers).
 */
export async function startTestApp(
  options: {
    override?: (adapters: Adapters) => Partial<Adapters>;
    logger?: Logger;
    faults?: FaultRegistry;
    /** Default: the in-process sink. */
    sideEffectSink?: (redis: Redis) => AppModuleOptions['sideEffectSink'];
  } = {},
): Promise<TestApp> {
  const prefix = `foryou-test:${randomUUID()}:`;
  const redis = new Redis(REDIS_URL, { keyPrefix: prefix, lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  const world = smallWorld();
  const base = worldAdapters(world, redis);
  const adapters = { ...base, ...(options.override?.(base) ?? {}) };
  const feedClock = new FeedClock(world.nowMs);
  await seedWorldState(world, base, feedClock, 500);
  const params = new ParamsStore();
  const config = loadConfig({ REDIS_URL, REDIS_KEY_PREFIX: prefix, WORLD_SCALE: 'small' });
  const logger = options.logger ?? createLogger({ service: 'home-mixer-test', level: 'silent' });
  const app = await createApp({
    config,
    world,
    redis,
    adapters,
    logger,
    params,
    feedClock,
    ...(options.faults ? { faults: options.faults } : {}),
    ...(options.sideEffectSink ? { sideEffectSink: options.sideEffectSink(redis) } : {}),
  });
  return {
    app,
    world,
    redis,
    adapters,
    params,
    feedClock,
    async close() {
      await app.close();
      const raw = new Redis(REDIS_URL);
      const keys = await raw.keys(`${prefix}*`);
      if (keys.length > 0) {
        await raw.del(...keys);
      }
      raw.disconnect();
      redis.disconnect();
    },
  };
}
