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

interface DebugFeed {
  items: { id: string; served_type: string }[];
  ledger: {
    candidates: {
      id: string;
      sources: { source: string; version?: string }[];
      fieldOrigins: Record<string, string>;
      fate: { bucket: string; component?: string; reason: string };
    }[];
  };
  degradation: { degraded: boolean; components: { component: string; status: string }[] };
}

/**
 * The first of at most `attempts` debug responses in which every component completed. The debug
 * endpoint records nothing, so asking again changes nothing; a degraded response (on a loaded machine
 * a component can miss its budget — e.g. an unscored page falls back to id order) cannot tell the
 * fixture's story. Throws, listing what was degraded, when no response is complete.
 */
async function completeDebugFeed(url: string, attempts = 40): Promise<DebugFeed> {
  const degraded: string[] = [];
  for (let i = 0; i < attempts; i++) {
    const debug = (await (await fetch(url)).json()) as DebugFeed;
    if (!debug.degradation.degraded) {
      return debug;
    }
    degraded.push(debug.degradation.components.map((c) => `${c.component}:${c.status}`).join(','));
  }
  throw new Error(`no complete debug response in ${attempts} attempts: ${degraded.join(' | ')}`);
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

  it('should tell the A–F story with the trained models: A and B on the first page, C, D and E dropped with their reasons, F placed', async () => {
    const debug = await completeDebugFeed(
      `${stack.homeMixer}/v1/feed/for-you/debug?viewer_id=${FIXTURE.viewerId}&limit=20`,
    );
    const record = (id: string) => debug.ledger.candidates.find((c) => c.id === id);
    const sourcesOf = (id: string) => record(id)?.sources.map((s) => s.source);
    const item = (id: string) => debug.items.find((i) => i.id === id);

    // A: in-network from Thunder, on the first page.
    expect(sourcesOf(FIXTURE.A)).toContain('ThunderSource');
    expect(record(FIXTURE.A)?.fate).toMatchObject({ bucket: 'selected' });
    expect(item(FIXTURE.A)).toMatchObject({ served_type: 'in_network' });
    // B: found by the trained two-tower retrieval, ranked by the trained ranker, on the first page.
    expect(sourcesOf(FIXTURE.B)).toContain('PhoenixRetrievalSource');
    expect(record(FIXTURE.B)?.fieldOrigins).toMatchObject({
      predictions: 'PhoenixScorer',
      score: 'WeightedScorer',
    });
    expect(record(FIXTURE.B)?.fate).toMatchObject({ bucket: 'selected' });
    expect(item(FIXTURE.B)).toMatchObject({ served_type: 'oon_retrieval' });
    // C: served before.
    expect(record(FIXTURE.C)?.fate).toMatchObject({
      bucket: 'filtered',
      component: 'PreviouslyServedFilter',
      reason: 'previously_served',
    });
    // D and E: retrieved, then dropped — D's author is blocked, E's safety label is unknown (fail-closed).
    expect(sourcesOf(FIXTURE.D)).toContain('PhoenixRetrievalSource');
    expect(record(FIXTURE.D)?.fate).toMatchObject({
      bucket: 'filtered',
      component: 'AuthorSocialgraphFilter',
      reason: 'blocked_author',
    });
    expect(sourcesOf(FIXTURE.E)).toContain('PhoenixRetrievalSource');
    expect(record(FIXTURE.E)?.fate).toMatchObject({
      bucket: 'filtered',
      component: 'SafetyFilter',
      reason: 'safety_unknown',
    });
    // F: placed in a safe gap, never first or last.
    expect(record(FIXTURE.F)?.fate.bucket).toBe('selected');
    expect(record(FIXTURE.F)?.fate.reason).toMatch(/^safe gap/);
    const page = debug.items.map((i) => i.id);
    expect(page.indexOf(FIXTURE.F)).toBeGreaterThan(0);
    expect(page.indexOf(FIXTURE.F)).toBeLessThan(page.length - 1);

    const retrieved = debug.ledger.candidates.filter((c) =>
      c.sources.some((s) => s.source === 'PhoenixRetrievalSource'),
    );
    expect(retrieved.length).toBeGreaterThan(50);
    expect(retrieved[0]!.sources.find((s) => s.source === 'PhoenixRetrievalSource')!.version).toMatch(
      /^phoenix-v1-[0-9a-f]+\/world-small-42-v2$/,
    );

    // The real feed (it records what it served, so it is asked once): valid, request id echoed, and
    // whatever a loaded machine lets it complete, never D or E.
    const res = await fetch(`${stack.homeMixer}/v1/feed/for-you?viewer_id=${FIXTURE.viewerId}&limit=20`, {
      headers: { 'x-request-id': 'e2e-request-0001' },
    });
    expect(res.headers.get('x-request-id')).toBe('e2e-request-0001');
    const ids = FeedResponseSchema.parse(await res.json()).items.map((i) => i.id);
    expect(ids).not.toContain(FIXTURE.D);
    expect(ids).not.toContain(FIXTURE.E);
  }, 120_000);

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
