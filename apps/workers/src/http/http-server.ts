import type { OpenMetricsRegistry } from '@foryou/telemetry';
import Fastify, { type FastifyInstance } from 'fastify';

export interface WorkerStatus {
  readonly ready: boolean;
  readonly reason?: string;
  readonly relay: 'running' | 'stopped';
  readonly consumer: 'running' | 'stopped';
}

/** Operational HTTP: `/metrics` (OpenMetrics), `/healthz` (process up), `/readyz` (Redis reachable, loops running). */
export async function startHttpServer(
  host: string,
  port: number,
  registry: OpenMetricsRegistry,
  status: () => Promise<WorkerStatus>,
): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  app.get('/metrics', async (_req, reply) => {
    const body = await registry.metrics();
    return reply.header('content-type', registry.contentType).send(body);
  });
  app.get('/healthz', () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    const s = await status();
    return reply.code(s.ready ? 200 : 503).send({
      status: s.ready ? 'ready' : 'not_ready',
      ...(s.reason === undefined ? {} : { reason: s.reason }),
      relay: s.relay,
      consumer: s.consumer,
    });
  });
  await app.listen({ host, port });
  return app;
}
