import { InFlightLimiter } from '@foryou/service-kit';
import { createLogger, type Logger, type TelemetryHandle } from '@foryou/telemetry';
import type { AppConfig } from './config/app-config';
import { startGrpcServer } from './grpc/grpc-server';
import { getInNetworkPostsHandler } from './grpc/get-in-network-posts.handler';
import { Readiness } from './health/readiness';
import { startHttpServer, type ThunderStatus } from './http/http-server';
import { abortableDelay, Backoff } from './ingest/backoff';
import { connectRedis, Ingestor } from './ingest/ingestor';
import { readOrInitEpoch } from './ingest/stream-epoch';
import { restoreStore } from './snapshot/restore';
import { readSnapshotFile } from './snapshot/snapshot-file';
import { Snapshotter } from './snapshot/snapshotter';
import { PostStore } from './store/post-store';
import { storeVersion } from './store/store-version';
import { ThunderMetrics } from './telemetry/metrics';

/** Expired posts and tombstones are reclaimed this often (they are invisible before that anyway). */
const TRIM_INTERVAL_MS = 30_000;
const GRPC_SHUTDOWN_GRACE_MS = 2_000;

/** Reads (or creates) the stream epoch, retrying with backoff while Redis is unreachable. */
async function waitForEpoch(
  config: AppConfig,
  logger: Logger,
  onFailure: () => void,
  signal: AbortSignal,
): Promise<string | undefined> {
  const redis = connectRedis(config.redisUrl, 'thunder-epoch', () => undefined);
  const backoff = new Backoff(200, 5000);
  try {
    while (!signal.aborted) {
      try {
        return await readOrInitEpoch(redis, config.redisKeyPrefix);
      } catch (err) {
        onFailure();
        const delayMs = Math.round(backoff.nextDelayMs());
        logger.warn({ err: (err as Error).message, retry_in_ms: delayMs }, 'redis unavailable; waiting');
        await abortableDelay(delayMs, signal);
      }
    }
    return undefined;
  } finally {
    redis.disconnect();
  }
}

/**
 * Boots Thunder: HTTP and gRPC first (so probes answer and calls get UNAVAILABLE while restoring),
 * then restore (snapshot or empty, once the stream epoch is known), ingestion, periodic snapshots.
 * SIGTERM/SIGINT: stop serving, stop ingestion, write a final snapshot, exit 0.
 */
export async function bootstrap(config: AppConfig, telemetry: TelemetryHandle): Promise<void> {
  const logger = createLogger({ service: config.serviceName, level: config.logLevel });
  const restoreStarted = performance.now();
  const readiness = new Readiness(config.store.partitions, config.ingest.readyMaxLag);
  let store = new PostStore(config.store);
  let epoch = '';
  let restore: ThunderStatus['restore'] = { source: 'pending' };
  /** Created once the restore is decided; shutdown and /readyz cope with their absence. */
  const late: { ingestor?: Ingestor; snapshotter?: Snapshotter } = {};
  const metrics = new ThunderMetrics(() => store.stats());
  // store_version is recomputed only when the store, its revision or the epoch changed.
  let version = { store, revision: -1, epoch, value: '' };
  const currentVersion = () => {
    if (version.store !== store || version.revision !== store.revision || version.epoch !== epoch) {
      const value = storeVersion(epoch, store.options, store.offsets());
      version = { store, revision: store.revision, epoch, value };
    }
    return version.value;
  };
  readiness.onChange((ready) => {
    metrics.ready(ready);
    logger.info({ ready, reason: readiness.report().reason ?? null }, 'readiness changed');
  });
  readiness.onFirstReady(() => {
    const seconds = (performance.now() - restoreStarted) / 1000;
    metrics.restored(restore.source === 'snapshot' ? 'snapshot' : 'empty', seconds);
    logger.info(
      {
        source: restore.source,
        seconds: Number(seconds.toFixed(3)),
        offsets: store.offsets(),
        ...store.stats(),
      },
      'thunder ready: restored and caught up',
    );
  });

  const limiter = new InFlightLimiter(config.serving.maxConcurrentRequests);
  const grpc = await startGrpcServer(config.host, config.grpcPort, {
    GetInNetworkPosts: getInNetworkPostsHandler({
      store: () => store,
      storeVersion: currentVersion,
      notReady: () => readiness.report().reason,
      limiter,
      metrics,
      logger,
      serving: config.serving,
    }),
  });
  const status = (): ThunderStatus => {
    const report = readiness.report();
    const consumed = store.consumed();
    const phases = late.ingestor?.phases();
    return {
      readiness: report,
      storeVersion: currentVersion(),
      restore,
      partitions: store.offsets().map((offset, partition) => ({
        partition,
        phase: phases?.[partition] ?? 'starting',
        lag: report.lag[partition] ?? null,
        offset,
        consumed: consumed[partition] ?? 0,
      })),
      store: store.stats(),
    };
  };
  const http = await startHttpServer(config.host, config.httpPort, metrics.registry, status);
  logger.info({ http_port: config.httpPort, grpc_port: grpc.port }, 'thunder listening; restoring');

  const stopping = new AbortController();
  let shuttingDown = false;
  const shutdown = async (signal: string) => {
    if (shuttingDown) {
      return;
    }
    shuttingDown = true;
    logger.info({ signal }, 'shutting down');
    readiness.markShuttingDown();
    stopping.abort();
    await grpc.close(GRPC_SHUTDOWN_GRACE_MS);
    await late.ingestor?.stop();
    late.snapshotter?.stop();
    await late.snapshotter
      ?.writeNow()
      .catch((err: unknown) => logger.error({ err }, 'final snapshot failed'));
    await http.close();
    await telemetry.shutdown();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));

  const bytes = await readSnapshotFile(config.snapshot.dir).catch((err: unknown) => {
    logger.error({ err }, 'snapshot unreadable; starting empty');
    return undefined;
  });
  const found = await waitForEpoch(config, logger, () => readiness.setRedisHealthy(false), stopping.signal);
  if (found === undefined) {
    return; // shutting down
  }
  epoch = found;
  readiness.setRedisHealthy(true);
  const decision = restoreStore(bytes, { epoch, streamPrefix: config.redisKeyPrefix, options: config.store });
  store = decision.store;
  restore = { source: decision.source, detail: decision.detail };
  logger.info(
    { source: decision.source, detail: decision.detail, offsets: store.offsets(), ...store.stats() },
    decision.source === 'snapshot' ? 'snapshot restored; replaying from its offsets' : 'starting empty',
  );
  readiness.markRestored();

  const ingestor = new Ingestor(
    {
      redisUrl: config.redisUrl,
      prefix: config.redisKeyPrefix,
      consumerGroup: config.ingest.consumerGroup,
      readBatch: config.ingest.readBatch,
      lagPollMs: config.ingest.lagPollMs,
    },
    { store, metrics, readiness, logger, epoch },
  );
  ingestor.start();
  late.ingestor = ingestor;
  const snapshotter = new Snapshotter(
    { dir: config.snapshot.dir, store, epoch, streamPrefix: config.redisKeyPrefix, metrics, logger },
    decision.source === 'snapshot' ? store.revision : -1,
  );
  snapshotter.start(config.snapshot.intervalMs);
  late.snapshotter = snapshotter;
  setInterval(() => store.trim(), TRIM_INTERVAL_MS).unref();
}
