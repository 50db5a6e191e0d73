import { crashBarrierFromEnv } from '@foryou/async-work';
import { loadExperiments, SHIPPED_EXPERIMENTS_DIR } from '@foryou/experiments';
import { KillSwitchStore, KillSwitchWatcher } from '@foryou/feed-state';
import { createLogger, type TelemetryHandle } from '@foryou/telemetry';
import { generateWorld } from '@foryou/world';
import { Redis } from 'ioredis';
import { ADAPTER_NAMES, productionAdapters } from './adapters';
import { FaultRegistry } from './faults/fault-registry';
import type { AppConfig } from './config/app-config';
import { createApp } from './create-app';
import { grpcProbe, redisProbe } from './health/probes';
import { DEFAULT_PARAMS } from './params/default-params';
import { FEED_PARAMS_OVERRIDES_SCHEMA } from './params/params-overrides-schema';
import { FeedClock } from './world/feed-clock';
import { OutboxSideEffectSink } from './side-effects/outbox-side-effect-sink';
import { seedWorldState } from './world/world-seeder';

/** Boots home-mixer: world, Redis, seed state, HTTP. Shuts down cleanly on SIGTERM/SIGINT. */
export async function bootstrap(config: AppConfig, telemetry: TelemetryHandle): Promise<void> {
  const logger = createLogger({ service: config.serviceName, level: config.logLevel });
  const started = performance.now();
  const world = generateWorld({ seed: config.worldSeed, scale: config.worldScale });
  logger.info(
    {
      world: world.version,
      users: world.users.size,
      posts: world.posts.size,
      ms: Math.round(performance.now() - started),
    },
    'world generated',
  );
  // Definitions are validated at boot (params overrides against FeedParams): a bad file stops the start.
  const experimentsDir = config.experimentsDir ?? SHIPPED_EXPERIMENTS_DIR;
  const experimentDefinitions = await loadExperiments(experimentsDir, {
    paramsSchema: FEED_PARAMS_OVERRIDES_SCHEMA,
  });
  logger.info(
    {
      dir: experimentsDir,
      running: experimentDefinitions.filter((d) => d.status === 'running').map((d) => d.key),
    },
    'experiment definitions loaded',
  );
  const redis = new Redis(config.redisUrl, {
    keyPrefix: config.redisKeyPrefix,
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
  });
  redis.on('error', (err: Error) => logger.warn({ err: err.message }, 'redis error'));
  await redis.connect();
  // Kill switches: a dedicated subscriber connection; a kill reaches this process by publish at once,
  // or by the backstop poll within KILL_SWITCH_POLL_MS when a publish is lost.
  const killSwitches = new KillSwitchStore({ redis, producer: `home-mixer@${config.codeVersion}` });
  const killSubscriber = redis.duplicate({ lazyConnect: false, enableOfflineQueue: true });
  killSubscriber.on('error', (err: Error) =>
    logger.warn({ err: err.message }, 'kill-switch subscriber error'),
  );
  const killWatcher = new KillSwitchWatcher({
    store: killSwitches,
    subscriber: killSubscriber,
    pollMs: config.killSwitchPollMs,
    logger,
  });
  await killWatcher.start();
  const adapters = productionAdapters(world, redis, config);
  const feedClock = new FeedClock(world.nowMs);
  const seeded = await seedWorldState(world, adapters, feedClock, DEFAULT_PARAMS.servedHistory.maxEntries);
  logger.info({ viewers: seeded.viewers }, 'world state seeded');

  const probes = [
    redisProbe(redis),
    grpcProbe('thunder', () => adapters.thunder.state()),
    grpcProbe('phoenix', () => adapters.phoenix.state()),
  ];
  const faults = config.faultInjection ? new FaultRegistry(ADAPTER_NAMES) : undefined;
  if (faults) {
    logger.warn({ adapters: faults.names }, 'fault injection enabled: /v1/admin/faults is mounted');
  }
  const app = await createApp({
    config,
    world,
    redis,
    adapters,
    logger,
    feedClock,
    probes,
    experimentDefinitions,
    killSwitches: { store: killSwitches, watcher: killWatcher },
    sideEffectSink: (metrics) =>
      new OutboxSideEffectSink({
        redis,
        producer: `home-mixer@${config.codeVersion}`,
        metrics,
        barrier: crashBarrierFromEnv(),
      }),
    ...(faults ? { faults } : {}),
  });
  await app.listen({ port: config.port, host: config.host });
  logger.info(
    {
      port: config.port,
      thunder: config.thunderAddress,
      phoenix: config.phoenixAddress,
      tracing: telemetry.exporting ? 'otlp' : 'off',
    },
    'home-mixer ready',
  );

  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'shutting down');
    await app.close();
    await killWatcher.stop();
    killSubscriber.disconnect();
    adapters.thunder.close();
    adapters.phoenix.close();
    redis.disconnect();
    await telemetry.shutdown();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}
