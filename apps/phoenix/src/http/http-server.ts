import type { OpenMetricsRegistry } from '@foryou/telemetry';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Readiness } from '../health/readiness';

/** What /readyz shows besides the verdict. */
export interface PhoenixStatus {
  readonly modelVersion: string | null;
  readonly corpusVersion: string | null;
  readonly indexPosts: number | null;
}

/**
 * Operational HTTP: `/metrics` (OpenMetrics), `/healthz` (the process is up), `/readyz` (200 once the
 * model is loaded and the index built, 503 while starting or shutting down; JSON body either way).
 */
export async function startHttpServer(
  host: string,
  port: number,
  registry: OpenMetricsRegistry,
  readiness: Readiness,
  status: () => PhoenixStatus,
): Promise<{ app: FastifyInstance; port: number }> {
  const app = Fastify({ logger: false });
  app.get('/metrics', async (_req, reply) => {
    const body = await registry.metrics();
    return reply.header('content-type', registry.contentType).send(body);
  });
  app.get('/healthz', () => ({ status: 'ok' }));
  app.get('/readyz', (_req, reply) => {
    const s = status();
    return reply.code(readiness.serving ? 200 : 503).send({
      status: readiness.serving ? 'ready' : 'not_ready',
      phase: readiness.phase,
      ...(readiness.phase === 'starting' ? { step: readiness.step } : {}),
      model_version: s.modelVersion,
      corpus_version: s.corpusVersion,
      index_posts: s.indexPosts,
    });
  });
  await app.listen({ host, port });
  const address = app.server.address();
  return { app, port: typeof address === 'object' && address ? address.port : port };
}
