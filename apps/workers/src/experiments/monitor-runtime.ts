import { loadExperiments, SHIPPED_EXPERIMENTS_DIR } from '@foryou/experiments';
import { ExperimentAnalysis, ExperimentStore } from '@foryou/experiments-store';
import { KillSwitchStore } from '@foryou/feed-state';
import type { Logger } from '@foryou/telemetry';
import { Redis } from 'ioredis';
import type { Pool } from 'pg';
import type { WorkerConfig } from '../config/worker-config';
import type { ExperimentMetrics } from './experiment-metrics';
import { ExperimentMonitor } from './experiment-monitor';

export interface MonitorRuntime {
  readonly monitor: ExperimentMonitor;
  /** Runs at once, then every `EXPERIMENT_MONITOR_INTERVAL_MS`. */
  start(): void;
  /** Waits for a run in progress, then closes the Redis connection. */
  stop(): Promise<void>;
}

/**
 * The experiment monitor of a workers process, wired to its experiments database (`pool`, already
 * migrated), to Redis under `REDIS_KEY_PREFIX` (the kill switches home-mixer reads, and the outbox the
 * relay drains: an automatic kill's audit row goes through `experiment-kills.record` like a manual one),
 * and to the definitions in `EXPERIMENTS_DIR`. Undefined when the monitor is off (interval 0).
 */
export function createMonitorRuntime(
  config: WorkerConfig,
  pool: Pool,
  metrics: ExperimentMetrics,
  logger: Logger,
): MonitorRuntime | undefined {
  const intervalMs = config.experiments.monitorIntervalMs;
  if (intervalMs === 0) {
    return undefined;
  }
  const dir = config.experiments.dir ?? SHIPPED_EXPERIMENTS_DIR;
  const redis = new Redis(config.redisUrl, { keyPrefix: config.redisKeyPrefix, maxRetriesPerRequest: 3 });
  redis.on('error', (err: Error) => logger.warn({ err: err.message }, 'experiment monitor redis error'));
  const kills = new KillSwitchStore({
    redis,
    producer: `workers@${config.codeVersion}`,
    onInvalid: (entry) =>
      logger.warn({ kill_id: entry.killId, reason: entry.reason }, 'invalid kill record skipped'),
  });
  const monitor = new ExperimentMonitor({
    loadDefinitions: async () => {
      const definitions = await loadExperiments(dir);
      logger.info(
        { dir, running: definitions.filter((d) => d.status === 'running').map((d) => d.key) },
        'experiment monitor: definitions loaded',
      );
      return definitions;
    },
    store: new ExperimentStore(pool),
    analysis: new ExperimentAnalysis(pool),
    kills,
    metrics,
    logger,
  });
  return {
    monitor,
    start: () => monitor.start(intervalMs),
    stop: async () => {
      await monitor.stop();
      redis.disconnect();
    },
  };
}
