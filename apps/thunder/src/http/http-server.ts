import Fastify, { type FastifyInstance } from 'fastify';
import type { ReadinessReport } from '../health/readiness';
import type { OpenMetricsRegistry } from '@foryou/telemetry';

/** What /readyz shows besides the verdict: enough to see why Thunder is (not) ready. */
export interface ThunderStatus {
  readonly readiness: ReadinessReport;
  readonly storeVersion: string;
  readonly restore: { readonly source: 'snapshot' | 'empty' | 'pending'; readonly detail?: string };
  readonly partitions: readonly {
    readonly partition: number;
    readonly phase: string;
    readonly lag: number | null;
    readonly offset: string;
    readonly consumed: number;
  }[];
  readonly store: {
    readonly activePosts: number;
    readonly tombstones: number;
    readonly watermarkMs: number | null;
  };
}

/**
 * Operational HTTP: `/metrics` (OpenMetrics), `/healthz` (the process is up), `/readyz` (200 when
 * ready, else 503; the JSON body carries the reason and per-partition lag and offsets either way).
 */
export async function startHttpServer(
  host: string,
  port: number,
  registry: OpenMetricsRegistry,
  status: () => ThunderStatus,
): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  app.get('/metrics', async (_req, reply) => {
    const body = await registry.metrics();
    return reply.header('content-type', registry.contentType).send(body);
  });
  app.get('/healthz', () => ({ status: 'ok' }));
  app.get('/readyz', (_req, reply) => {
    const s = status();
    return reply.code(s.readiness.ready ? 200 : 503).send({
      status: s.readiness.ready ? 'ready' : 'not_ready',
      ...(s.readiness.reason === undefined ? {} : { reason: s.readiness.reason }),
      caught_up: s.readiness.caughtUp,
      store_version: s.storeVersion,
      restore: s.restore,
      store: {
        active_posts: s.store.activePosts,
        tombstones: s.store.tombstones,
        watermark_ms: s.store.watermarkMs,
      },
      partitions: s.partitions,
    });
  });
  await app.listen({ host, port });
  return app;
}
