import { EventEmitter, once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { FeedResponseSchema } from '@foryou/contracts';
import { FIXTURE } from '@foryou/world';
import { startStack, type Stack } from './stack';

interface OtlpSpan {
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
}

/** A minimal OTLP/HTTP JSON receiver: collects every span home-mixer exports. */
async function startCollector(): Promise<{
  server: Server;
  url: string;
  spans: OtlpSpan[];
  arrivals: EventEmitter;
}> {
  const spans: OtlpSpan[] = [];
  const arrivals = new EventEmitter();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const text = (req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString();
      const body = JSON.parse(text) as { resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[] };
      for (const rs of body.resourceSpans) {
        for (const ss of rs.scopeSpans) {
          spans.push(...ss.spans);
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      arrivals.emit('spans');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, spans, arrivals };
}

/** Resolves once `find` succeeds, re-checking on every export the collector receives. */
function waitFor<T>(arrivals: EventEmitter, find: () => T | undefined): Promise<T> {
  return new Promise((resolve) => {
    const check = () => {
      const found = find();
      if (found) {
        arrivals.off('spans', check);
        resolve(found);
      }
    };
    arrivals.on('spans', check);
    check();
  });
}

describe('home-mixer with Thunder and Phoenix as processes', () => {
  let stack: Stack;
  let collector: Awaited<ReturnType<typeof startCollector>>;

  beforeAll(async () => {
    collector = await startCollector();
    stack = await startStack({ mixerEnv: { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url } });
  }, 240_000);

  afterAll(async () => {
    await stack?.stop();
    collector.server.close();
  }, 60_000);

  // With the trained two-tower model, xiaolin's retrieval does not reliably rank the fixture's B and E
  // within k (they were placed near her *latent* interests, which Phoenix learns only approximately from
  // her 10–11 engagements). What must hold end to end is asserted here; B's and E's stories are asserted
  // with the world-backed doubles in for-you.pipeline.spec.ts.
  it('should serve A (Thunder) and F, explain C (and D, E when retrieved), and never serve D or E', async () => {
    const debug = (await (
      await fetch(`${stack.homeMixer}/v1/feed/for-you/debug?viewer_id=${FIXTURE.viewerId}`)
    ).json()) as {
      ledger: {
        candidates: {
          id: string;
          sources: { source: string; version?: string }[];
          fate: { bucket: string; reason: string };
        }[];
      };
      degradation: { degraded: boolean; components: unknown[] };
    };
    const record = (id: string) => debug.ledger.candidates.find((c) => c.id === id);
    expect(record(FIXTURE.C)?.fate.reason).toBe('previously_served');
    expect(record(FIXTURE.A)?.sources.map((s) => s.source)).toContain('ThunderSource');
    const retrieved = debug.ledger.candidates.filter((c) =>
      c.sources.some((s) => s.source === 'PhoenixRetrievalSource'),
    );
    expect(retrieved.length).toBeGreaterThan(50);
    expect(retrieved[0]!.sources.find((s) => s.source === 'PhoenixRetrievalSource')!.version).toMatch(
      /^phoenix-v1-[0-9a-f]+\/world-small-42-v1$/,
    );
    // D and E are only present when retrieval ranks them within k; when present, they are explained.
    for (const [id, reason] of [
      [FIXTURE.D, 'blocked_author'],
      [FIXTURE.E, 'safety_unknown'],
    ] as const) {
      const r = record(id);
      if (r) {
        expect(r.fate.reason).toBe(reason);
      }
    }

    const res = await fetch(`${stack.homeMixer}/v1/feed/for-you?viewer_id=${FIXTURE.viewerId}&limit=20`, {
      headers: { 'x-request-id': 'e2e-request-0001' },
    });
    expect(res.headers.get('x-request-id')).toBe('e2e-request-0001');
    const feed = FeedResponseSchema.parse(await res.json());
    const ids = feed.items.map((i) => i.id);
    expect(ids).toContain(FIXTURE.F);
    expect(feed.items.some((i) => i.served_type === 'in_network')).toBe(true);
    expect(ids).not.toContain(FIXTURE.D);
    expect(ids).not.toContain(FIXTURE.E);
  });

  it('should export HTTP and pipeline spans over OTLP in one trace', async () => {
    await fetch(`${stack.homeMixer}/v1/feed/for-you?viewer_id=u2`, {
      headers: { 'x-request-id': 'e2e-request-0002' },
    });
    const pipeline = await waitFor(collector.arrivals, () =>
      collector.spans.find((s) => s.name === 'pipeline/for_you'),
    );
    const sameTrace = collector.spans.filter((s) => s.traceId === pipeline.traceId);
    expect(sameTrace.map((s) => s.name)).toEqual(
      expect.arrayContaining([
        'pipeline/scored_posts',
        'stage/filters',
        'filters/SafetyFilter',
        'sources/ThunderSource',
      ]),
    );
    expect(sameTrace.find((s) => s.spanId === pipeline.parentSpanId)).toBeDefined();
  });

  it('should still serve a valid feed from Thunder when Phoenix is down, and say so', async () => {
    stack.phoenix.child.kill('SIGKILL');
    await once(stack.phoenix.child, 'exit');
    const feed = FeedResponseSchema.parse(
      await (
        await fetch(`${stack.homeMixer}/v1/feed/for-you/debug?viewer_id=${FIXTURE.viewerId}&limit=20`)
      ).json(),
    );
    expect(feed.items.length).toBeGreaterThan(0);
    expect(feed.items.filter((i) => i.type === 'post').every((i) => i.served_type !== 'oon_retrieval')).toBe(
      true,
    );
    const failed = feed.degradation.components.map((c) => [c.component, c.status, c.error_kind]);
    expect(failed).toEqual(
      expect.arrayContaining([
        ['PhoenixRetrievalSource', 'error', 'dependency_unavailable'],
        ['PhoenixScorer', 'error', 'dependency_unavailable'],
      ]),
    );
    const ready = (await (await fetch(`${stack.homeMixer}/readyz`)).json()) as {
      status: string;
      checks: Record<string, string>;
    };
    expect(ready.status).toBe('ready');
    expect(ready.checks.phoenix).not.toBe('ok');
  });

  it('should shut down cleanly on SIGTERM', async () => {
    stack.mixer.child.kill('SIGTERM');
    const [code] = (await once(stack.mixer.child, 'exit')) as [number | null];
    expect(code).toBe(0);
  }, 20_000);
});
