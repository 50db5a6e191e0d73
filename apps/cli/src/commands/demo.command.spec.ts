import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliError } from '../io';
import { DEMO_LOG, nextSteps, runDemo, type DemoDeps, type DemoOptions } from './demo.command';

// Stand-ins for apps/home-mixer/dist/main.js with the same HTTP contract (/readyz, the feed route).
const FAKE_HOME_MIXER = `
const http = require('node:http');
const { PORT, WORLD_SCALE, WORLD_SEED, REDIS_URL } = process.env;
console.log(JSON.stringify({ PORT, WORLD_SCALE, WORLD_SEED, REDIS_URL }));
http
  .createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    if (url.pathname === '/readyz') return res.end('ok');
    if (url.pathname === '/v1/feed/for-you') {
      res.setHeader('content-type', 'application/json');
      return res.end(JSON.stringify({ request_id: 'r', items: [{ id: 'A' }, { id: 'B' }, { id: 'F' }] }));
    }
    res.statusCode = 404;
    res.end();
  })
  .listen(Number(PORT), '127.0.0.1');
`;
// Stand-in for Thunder, Phoenix and the workers: ready on their HTTP port; the workers' /metrics
// shows a drained side-effect queue.
const FAKE_SERVICE = `
const http = require('node:http');
const { THUNDER_HTTP_PORT, PHOENIX_HTTP_PORT, WORKERS_HTTP_PORT } = process.env;
const port = Number(THUNDER_HTTP_PORT ?? PHOENIX_HTTP_PORT ?? WORKERS_HTTP_PORT);
const metrics = [
  'foryou_async_outbox_pending 0',
  'foryou_async_queue_jobs{queue="side-effects",state="waiting"} 0',
  'foryou_async_jobs_total{type="served-history.update",outcome="applied"} 40',
].join('\\n');
http
  .createServer((req, res) => res.end(WORKERS_HTTP_PORT && req.url === '/metrics' ? metrics : 'ok'))
  .listen(port, '127.0.0.1');
`;
const CRASHING_HOME_MIXER = `console.error('fatal: cannot reach Redis at ' + process.env.REDIS_URL); process.exit(2);`;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address !== null ? address.port : -1;
}

describe('runDemo', () => {
  let root: string;
  let port: number;
  let options: DemoOptions;
  let out: string[];
  let io: { out: (t: string) => void; err: (t: string) => void };
  let onOut: ((text: string) => void) | undefined;
  let published: string[];
  let stack: Pick<DemoDeps, 'services' | 'publish' | 'prepareStore'>;

  beforeEach(async () => {
    root = mkdtempSync(join(tmpdir(), 'foryou-demo-'));
    writeFileSync(join(root, 'fake.js'), FAKE_HOME_MIXER);
    writeFileSync(join(root, 'crash.js'), CRASHING_HOME_MIXER);
    writeFileSync(join(root, 'service.js'), FAKE_SERVICE);
    port = await freePort();
    published = [];
    const spec = async (name: string) => ({
      entry: join(root, 'service.js'),
      log: join(root, `${name}.log`),
      http: await freePort(),
      grpc: await freePort(),
    });
    stack = {
      services: {
        thunder: await spec('thunder'),
        phoenix: await spec('phoenix'),
        workers: await spec('workers'),
      },
      publish: (o: DemoOptions) => {
        published.push(`${o.scale}/${o.seed}`);
        return Promise.resolve();
      },
      // The real one creates a database; these tests only check the demo's process handling.
      prepareStore: () => Promise.resolve({ created: false }),
    };
    options = {
      scale: 'small',
      seed: 7,
      port,
      requests: 20,
      concurrency: 2,
      viewers: 100,
      limit: 20,
      timeout: 5000,
      maxErrorRate: 0.01,
      readyTimeout: 30,
      exit: true,
    };
    out = [];
    onOut = undefined;
    io = {
      out: (t) => {
        out.push(t);
        onOut?.(out.join(''));
      },
      err: (t) => out.push(t),
    };
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('starts home-mixer with the world settings, drives traffic, prints next steps and stops it (--exit)', async () => {
    const code = await runDemo(options, { io, root, entry: join(root, 'fake.js'), ...stack });

    expect(code).toBe(0);
    const text = out.join('');
    expect(published).toEqual(['small/7']);
    expect(text.indexOf('Starting thunder')).toBeLessThan(text.indexOf('Starting home-mixer'));
    expect(text).toContain('phoenix is ready');
    expect(text).toContain('home-mixer is ready');
    expect(text).toContain('20 sent, 20 completed');
    expect(text).toContain('200 ×20');
    expect(text).toContain(
      'side effects: 40 applied, 0 duplicate deliveries absorbed, 0 quarantined; queue drained',
    );
    expect(text).toContain(
      `curl -s 'http://127.0.0.1:${port}/v1/feed/for-you?viewer_id=xiaolin&limit=20' | jq`,
    );
    expect(text).toContain('home-mixer stopped (killed by SIGTERM)');
    expect(text).toContain('thunder stopped (killed by SIGTERM)');
    const env = JSON.parse(readFileSync(join(root, DEMO_LOG), 'utf8').split('\n')[0]!) as Record<
      string,
      string
    >;
    expect(env).toMatchObject({ PORT: String(port), WORLD_SCALE: 'small', WORLD_SEED: '7' });
    expect(env.REDIS_URL).toMatch(/^redis:\/\//);
  });

  it('keeps home-mixer running after the traffic until SIGINT', async () => {
    const waiting = new Promise<void>((resolve) => {
      onOut = (text) => {
        if (text.includes('Press Ctrl-C')) {
          resolve();
        }
      };
    });
    const demo = runDemo({ ...options, exit: false }, { io, root, entry: join(root, 'fake.js'), ...stack });
    await waiting;
    // Still serving while it waits for the operator.
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);

    process.emit('SIGINT', 'SIGINT');

    await expect(demo).resolves.toBe(0);
    expect(out.join('')).toContain('home-mixer stopped (killed by SIGTERM)');
  });

  it('fails with the log tail when home-mixer exits during start-up', async () => {
    const demo = runDemo(options, { io, root, entry: join(root, 'crash.js'), ...stack });

    await expect(demo).rejects.toThrow(CliError);
    await expect(demo).rejects.toThrow(/home-mixer exited before it was ready \(exit code 2\)/);
    await expect(demo).rejects.toThrow(/fatal: cannot reach Redis at redis:\/\//);
  });

  it('refuses a port that is already in use', async () => {
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve));
    try {
      await expect(runDemo(options, { io, root, entry: join(root, 'fake.js'), ...stack })).rejects.toThrow(
        new RegExp(`port ${port} is already in use .*--port ${port + 10}`),
      );
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });

  it('says to build first when home-mixer is not built', async () => {
    await expect(runDemo(options, { io, root, entry: join(root, 'missing.js') })).rejects.toThrow(
      /home-mixer is not built .*npm run build/,
    );
  });
});

describe('nextSteps', () => {
  it('lists the feed, debug and metrics curls and where traces go', () => {
    const withoutOtel = nextSteps(8080, 20, undefined, 'f'.repeat(32));
    expect(withoutOtel).toContain(
      "curl -s 'http://127.0.0.1:8080/v1/feed/for-you?viewer_id=xiaolin&limit=20' | jq",
    );
    expect(withoutOtel).toContain(
      "curl -s 'http://127.0.0.1:8080/v1/feed/for-you/debug?viewer_id=xiaolin&limit=20' | jq",
    );
    expect(withoutOtel).toContain('curl -s http://127.0.0.1:8080/metrics');
    expect(withoutOtel).toContain('set OTEL_EXPORTER_OTLP_ENDPOINT to export traces');
    expect(withoutOtel).toContain(
      `FORYOU_ADMIN_TOKEN=${'f'.repeat(32)} node apps/cli/dist/main.js experiment kill`,
    );
    expect(withoutOtel).toContain('npm run experiment:report -- recent-engaged-authors-source');
    expect(nextSteps(8080, 20, 'http://127.0.0.1:4318', 'f'.repeat(32))).toContain(
      'exported over OTLP to http://127.0.0.1:4318',
    );
  });
});
