import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describePlan, loadgenPlan, runLoadgen, type LoadgenOptions } from './loadgen.command';

const base: LoadgenOptions = {
  target: 'http://127.0.0.1:8080/',
  duration: 60,
  concurrency: 8,
  viewers: 1000,
  limit: 20,
  timeout: 5000,
  maxErrorRate: 0.01,
};

describe('loadgenPlan', () => {
  it('is bounded by count and time: 1000 requests closed loop by default', () => {
    const plan = loadgenPlan(base);
    expect(plan).toMatchObject({
      requests: 1000,
      durationMs: 60_000,
      ratePerSecond: undefined,
      concurrency: 8,
    });
    expect(describePlan(plan)).toBe(
      'closed loop, 8 in flight; stops after 1000 requests or 60 s, whichever comes first',
    );
  });

  it('with a rate, defaults the count to rate × duration', () => {
    expect(loadgenPlan({ ...base, rate: 2.5, duration: 10.1 })).toMatchObject({
      requests: 26,
      ratePerSecond: 2.5,
    });
  });

  it('an explicit --requests wins', () => {
    expect(loadgenPlan({ ...base, rate: 100, requests: 7 }).requests).toBe(7);
  });
});

/** An in-process HTTP server on an ephemeral port that records the paths it was asked for. */
async function server(handler: http.RequestListener) {
  const paths: string[] = [];
  const srv = http.createServer((req, res) => {
    paths.push(req.url ?? '');
    handler(req, res);
  });
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}/`;
  const close = () => new Promise((resolve) => srv.close(resolve));
  return { url, paths, close };
}

describe('runLoadgen against a local server', () => {
  const out: string[] = [];
  const io = { out: (t: string) => out.push(t), err: (t: string) => out.push(t) };
  beforeEach(() => (out.length = 0));

  it('sends the feed requests, prints the summary and exits 0 within the error budget', async () => {
    const mixer = await server((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ request_id: 'r', items: [{ id: 'A' }, { id: 'B', type: 'post' }] }));
    });
    try {
      const code = await runLoadgen({ ...base, target: mixer.url, requests: 30, concurrency: 3 }, { io });

      expect(code).toBe(0);
      expect(mixer.paths).toHaveLength(30);
      expect(mixer.paths.every((p) => /^\/v1\/feed\/for-you\?viewer_id=u\d+&limit=20$/.test(p))).toBe(true);
      const text = out.join('');
      expect(text).toContain(`loadgen → ${mixer.url} (closed loop, 3 in flight`);
      expect(text).toContain('30 sent, 30 completed');
      expect(text).toContain('200 ×30');
      expect(text).toContain('30 served, 2.0 items on average, 0 empty');
      expect(text).toMatch(/latency ms +p50 [\d.]+ · p95 [\d.]+ · p99 [\d.]+/);
      expect(text).toContain('0.00% (max 1.00%) OK');
    } finally {
      await mixer.close();
    }
  });

  it('exits 1 over the error budget and never follows a redirect to another host', async () => {
    const elsewhere = await server((_req, res) => res.end('{}'));
    const mixer = await server((_req, res) => {
      res.statusCode = 307;
      res.setHeader('location', elsewhere.url);
      res.end();
    });
    try {
      const code = await runLoadgen({ ...base, target: mixer.url, requests: 5, concurrency: 1 }, { io });

      expect(code).toBe(1);
      expect(mixer.paths).toHaveLength(5);
      expect(elsewhere.paths).toHaveLength(0);
      expect(out.join('')).toContain('307 ×5');
      expect(out.join('')).toContain('100.00% (max 1.00%) FAIL');
    } finally {
      await Promise.all([mixer.close(), elsewhere.close()]);
    }
  });

  it('counts refused connections as network errors when nothing listens', async () => {
    const gone = await server(() => undefined);
    await gone.close();

    const code = await runLoadgen({ ...base, target: gone.url, requests: 3, concurrency: 1 }, { io });

    expect(code).toBe(1);
    expect(out.join('')).toContain('network ×3');
  });
});
