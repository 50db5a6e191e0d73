import { createLogger, type TelemetryHandle } from '@foryou/telemetry';
import type { WorkerConfig } from './config/worker-config';
import { createMonitorRuntime } from './experiments/monitor-runtime';
import { createGroxRuntime, withGroxStatus } from './grox/grox-runtime';
import { startHttpServer } from './http/http-server';
import { SideEffectRuntime } from './side-effect-runtime';

/** Boots the workers process; SIGTERM/SIGINT drain active jobs and exit 0. */
export async function bootstrap(config: WorkerConfig, telemetry: TelemetryHandle): Promise<void> {
  const logger = createLogger({ service: config.serviceName, level: config.logLevel });
  const runtime = await SideEffectRuntime.create(config, logger);
  runtime.start();
  const grox = config.grox.enabled ? createGroxRuntime(config, runtime.metrics.registry, logger) : undefined;
  await grox?.start();
  const db = runtime.experimentsDb;
  const monitor = db ? createMonitorRuntime(config, db, runtime.experimentMetrics, logger) : undefined;
  monitor?.start();
  const http = await startHttpServer(config.host, config.httpPort, runtime.metrics.registry, async () =>
    withGroxStatus(await runtime.status(), await grox?.status()),
  );
  logger.info(
    {
      port: config.httpPort,
      queue_prefix: config.queuePrefix,
      concurrency: config.concurrency,
      max_schema_version: config.maxSchemaVersion ?? 'newest',
      grox: config.grox.enabled,
      experiment_exposures: config.databaseUrl !== undefined,
      experiment_monitor_interval_ms: monitor ? config.experiments.monitorIntervalMs : 'off',
    },
    'workers ready',
  );
  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'shutting down');
    await http.close();
    await grox?.stop();
    await monitor?.stop();
    await runtime.stop();
    await telemetry.shutdown();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}
