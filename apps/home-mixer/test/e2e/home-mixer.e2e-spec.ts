import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { EventEmitter, once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { FeedResponseSchema } from '@foryou/contracts';
import { FIXTURE } from '@foryou/world';
import { Redis } from 'ioredis';

const MAIN = join(__dirname, '../../dist/main.js');
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

interface OtlpSpan {
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
}

/** A minimal OTLP/HTTP JSON receiver: collects every span the app exports. */
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

async function freePort(): Promise<number> {
  const s = createServer().listen(0, '127.0.0.1');
  await once(s, 'listening');
  const { port } = s.address() as AddressInfo;
  s.close();
  await once(s, 'close');
  return port;
}

/** Resolves when the process logs that it is ready; rejects with its output if it exits first. */
function readyLine(child: ChildProcess, output: () => string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onData = () => {
      if (output().includes('"msg":"home-mixer ready"')) {
        child.stdout!.off('data', onData);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`home-mixer exited with ${code}:\n${output()}`)));
  });
}

describe('home-mixer as a process', () => {
  const prefix = `foryou-e2e:${randomUUID()}:`;
  let child: ChildProcess;
  let base: string;
  let logs = '';
  let collector: Awaited<ReturnType<typeof startCollector>>;

  beforeAll(async () => {
    collector = await startCollector();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, [MAIN], {
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        WORLD_SCALE: 'small',
        REDIS_URL,
        REDIS_KEY_PREFIX: prefix,
        LOG_LEVEL: 'info',
        OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.prependListener('data', (d: Buffer) => (logs += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (logs += d.toString()));
    await readyLine(child, () => logs);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
  }, 60_000);

  afterAll(async () => {
    if (child.exitCode === null) {
      child.kill('SIGKILL');
    }
    collector.server.close();
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) {
      await redis.del(...keys);
    }
    redis.disconnect();
  });

  it('should serve xiaolin a feed with A, B and F, and explain C, D and E in the debug ledger', async () => {
    const debug = (await (
      await fetch(`${base}/v1/feed/for-you/debug?viewer_id=${FIXTURE.viewerId}`)
    ).json()) as {
      ledger: { candidates: { id: string; fate: { reason: string } }[] };
    };
    const reason = (id: string) => debug.ledger.candidates.find((c) => c.id === id)?.fate.reason;
    expect([reason(FIXTURE.C), reason(FIXTURE.D), reason(FIXTURE.E)]).toEqual([
      'previously_served',
      'blocked_author',
      'safety_unknown',
    ]);

    const res = await fetch(`${base}/v1/feed/for-you?viewer_id=${FIXTURE.viewerId}&limit=20`, {
      headers: { 'x-request-id': 'e2e-request-0001' },
    });
    expect(res.headers.get('x-request-id')).toBe('e2e-request-0001');
    const feed = FeedResponseSchema.parse(await res.json());
    expect(feed.items.map((i) => i.id)).toEqual(expect.arrayContaining([FIXTURE.A, FIXTURE.B, FIXTURE.F]));
    expect(feed.items.map((i) => i.id)).not.toEqual(expect.arrayContaining([FIXTURE.D]));
  });

  it('should export HTTP and pipeline spans over OTLP in one trace', async () => {
    await fetch(`${base}/v1/feed/for-you?viewer_id=u2`, { headers: { 'x-request-id': 'e2e-request-0002' } });
    const pipeline = await waitFor(collector.arrivals, () =>
      collector.spans.find((s) => s.name === 'pipeline/for_you'),
    );
    const sameTrace = collector.spans.filter((s) => s.traceId === pipeline.traceId);
    const names = sameTrace.map((s) => s.name);
    expect(names).toEqual(
      expect.arrayContaining(['pipeline/scored_posts', 'stage/filters', 'filters/SafetyFilter']),
    );
    const parent = sameTrace.find((s) => s.spanId === pipeline.parentSpanId);
    expect(parent).toBeDefined();
  });

  it('should expose metrics and shut down cleanly on SIGTERM', async () => {
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain('foryou_feed_requests_total{surface="for_you",outcome="ok"}');
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
  }, 20_000);
});

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
