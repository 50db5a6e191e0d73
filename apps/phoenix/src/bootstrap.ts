import { loadOrBuildIndex, PhoenixRuntime } from '@foryou/phoenix-model';
import { InFlightLimiter, type RunningGrpcServer, yieldToEventLoop } from '@foryou/service-kit';
import { createLogger, type TelemetryHandle } from '@foryou/telemetry';
import { generateWorld } from '@foryou/world';
import type { AppConfig } from './config/app-config';
import { startGrpcServer } from './grpc/grpc-server';
import { rankHandler } from './grpc/rank.handler';
import { retrieveHandler } from './grpc/retrieve.handler';
import type { ServeDeps } from './grpc/serve-unary';
import { Readiness } from './health/readiness';
import { type PhoenixStatus, startHttpServer } from './http/http-server';
import { loadOrTrainModel } from './model/model-source';
import { RankingService } from './ranking/ranking.service';
import { RetrievalService } from './retrieval/retrieval.service';
import { PhoenixMetrics } from './telemetry/metrics';

const GRPC_SHUTDOWN_GRACE_MS = 2_000;

const since = (t: number) => (performance.now() - t) / 1000;

/**
 * Boots Phoenix: HTTP first (probes answer, /readyz 503 while starting), then the world, the model
 * (loaded and verified, or trained once and cached), the corpus embedded by the candidate tower, the
 * HNSW index (cached by model version), and finally gRPC; /readyz turns 200 when all of it is done.
 * SIGTERM/SIGINT: /readyz 503, new calls UNAVAILABLE, in-flight calls finish (bounded), exit 0.
 */
export async function bootstrap(config: AppConfig, telemetry: TelemetryHandle): Promise<void> {
  const logger = createLogger({ service: config.serviceName, level: config.logLevel });
  const started = performance.now();
  const metrics = new PhoenixMetrics();
  const readiness = new Readiness();
  readiness.onChange((phase) => {
    metrics.ready(phase === 'serving');
    logger.info({ phase }, 'phase changed');
  });
  let status: PhoenixStatus = { modelVersion: null, corpusVersion: null, indexPosts: null };
  const http = await startHttpServer(config.host, config.httpPort, metrics.registry, readiness, () => status);

  const servers: { grpc?: RunningGrpcServer } = {};
  let shuttingDown = false;
  const shutdown = async (signal: string) => {
    if (shuttingDown) {
      return;
    }
    shuttingDown = true;
    logger.info({ signal }, 'shutting down');
    readiness.markShuttingDown();
    await servers.grpc?.close(GRPC_SHUTDOWN_GRACE_MS);
    await http.app.close();
    await telemetry.shutdown();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
  logger.info({ http_port: http.port }, 'phoenix starting');

  let t = performance.now();
  const world = generateWorld({ seed: config.world.seed, scale: config.world.scale });
  metrics.startupPhase('world', since(t));
  logger.info({ world: world.version, posts: world.posts.size, seconds: since(t) }, 'world generated');

  readiness.startStep('model');
  await yieldToEventLoop();
  const source = loadOrTrainModel(world, config.artifacts, logger);
  metrics.startupPhase(source.origin === 'trained' ? 'train' : 'artifact_load', source.seconds);
  metrics.modelInfo(source.model.version, source.model.corpusVersion, source.model.codeVersion);
  logger.info(
    {
      origin: source.origin,
      model_version: source.model.version,
      dir: source.dir,
      seconds: source.seconds,
      losses: source.manifest.training.losses,
    },
    source.origin === 'trained' ? 'model trained and cached' : 'model loaded and verified',
  );

  readiness.startStep('embed_corpus');
  await yieldToEventLoop();
  t = performance.now();
  const runtime = PhoenixRuntime.create(source.model, world);
  metrics.startupPhase('embed_corpus', since(t));

  readiness.startStep('index');
  // Built in chunks with yields, so probes and /metrics are answered while it builds.
  const built = await loadOrBuildIndex(runtime, source.dir, { checkpoint: yieldToEventLoop });
  if (built.cacheError) {
    logger.warn(
      { err: built.cacheError, path: built.path },
      'could not cache the HNSW index; it will be rebuilt',
    );
  }
  metrics.startupPhase(built.origin === 'built' ? 'index_build' : 'index_load', built.seconds);
  metrics.indexSize(built.index.size);
  logger.info(
    { origin: built.origin, posts: built.index.size, seconds: built.seconds },
    'retrieval index ready',
  );

  const limiter = new InFlightLimiter(config.serving.maxConcurrentRequests);
  const deps: ServeDeps = { readiness, limiter, metrics, logger, serving: config.serving };
  const grpc = await startGrpcServer(config.host, config.grpcPort, {
    retrieval: {
      Retrieve: retrieveHandler({
        ...deps,
        service: new RetrievalService(runtime, built.index),
        observe: metrics,
      }),
    },
    ranking: { Rank: rankHandler({ ...deps, service: new RankingService(runtime), observe: metrics }) },
  });
  status = {
    modelVersion: runtime.model.version,
    corpusVersion: runtime.corpus.version,
    indexPosts: built.index.size,
  };
  if (shuttingDown) {
    return;
  }
  readiness.markServing();
  metrics.startupPhase('total', since(started));
  logger.info(
    {
      http_port: http.port,
      grpc_port: grpc.port,
      model_version: runtime.model.version,
      corpus_version: runtime.corpus.version,
      startup_seconds: since(started),
    },
    'phoenix ready',
  );
}
