import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { catalogFromExposition, readJobCatalog } from '@foryou/slo';
import { freePort, startStack, type Stack } from './stack';

/**
 * The live check of the SLO pipeline (issue "SLOs as code"): real home-mixer (with Thunder and Phoenix)
 * scraped every second by Debian's Prometheus evaluating the DRILL rule set (alerts/drill: the generated
 * production rules with windows ÷ 60). A dependency fault makes every feed `failed`; the availability
 * page alert must fire, and clear after the fault is removed. Detection and recovery times are printed.
 */
const ROOT = join(__dirname, '../../../..');
const PROMETHEUS = '/usr/bin/prometheus';
const AVAILABILITY_ALERT = 'FeedAvailabilityBudgetBurn';
/** Every wait below polls the Prometheus API at this interval, a bounded number of times. */
const POLL_MS = 500;

interface PromAlert {
  labels: Record<string, string>;
  state: string;
}

function log(line: string): void {
  process.stdout.write(`[slo-alerts e2e] ${line}\n`);
}

async function promGet<T>(base: string, path: string): Promise<T> {
  const res = await fetch(`${base}${path}`, { signal: AbortSignal.timeout(5_000) });
  const body = (await res.json()) as { status: string; data: T; error?: string };
  if (body.status !== 'success') {
    throw new Error(`${path}: ${body.error ?? res.status}`);
  }
  return body.data;
}

async function firingPage(base: string): Promise<boolean> {
  const { alerts } = await promGet<{ alerts: PromAlert[] }>(base, '/api/v1/alerts');
  return alerts.some(
    (a) => a.labels.alertname === AVAILABILITY_ALERT && a.labels.severity === 'page' && a.state === 'firing',
  );
}

/** Polls `check` until it holds; returns the elapsed ms, or throws after `timeoutMs`. */
async function pollUntil(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  for (let i = 0; i * POLL_MS <= timeoutMs; i++) {
    if (await check()) {
      return Date.now() - started;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  throw new Error(`${what}: not within ${timeoutMs} ms`);
}

/** Steady feed traffic from a few viewers, until stopped (bounded by `maxMs` in any case). */
function startTraffic(base: string, maxMs: number): { stop: () => Promise<void>; sent: () => number } {
  let running = true;
  let sent = 0;
  const deadline = Date.now() + maxMs;
  const worker = async (w: number) => {
    while (running && Date.now() < deadline) {
      const viewer = `u${(sent * 7 + w) % 200}`;
      sent++;
      try {
        await (await fetch(`${base}/v1/feed/for-you?viewer_id=${viewer}&limit=20`)).arrayBuffer();
      } catch {
        // a failed request is counted by home-mixer; the loop goes on
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const workers = [0, 1, 2].map((w) => worker(w));
  return {
    stop: async () => {
      running = false;
      await Promise.all(workers);
    },
    sent: () => sent,
  };
}

async function setFault(base: string, adapter: string, mode: string): Promise<void> {
  const res = await fetch(`${base}/v1/admin/faults/${adapter}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ mode }),
  });
  expect(res.status).toBe(200);
}

describe('SLO alerts against a real Prometheus (drill rule set)', () => {
  let stack: Stack | undefined;
  let prometheus: ChildProcess | undefined;
  let promUrl = '';
  let dir = '';
  let promLog = '';

  beforeAll(async () => {
    expect(existsSync(PROMETHEUS)).toBe(true);
    const drillRules = readdirSync(join(ROOT, 'alerts/drill'))
      .filter((f) => f.endsWith('.drill.yml'))
      .map((f) => join(ROOT, 'alerts/drill', f));
    expect(drillRules.length).toBeGreaterThan(0);
    stack = await startStack({ mixerEnv: { FAULT_INJECTION_ENABLED: 'true' } });
    dir = mkdtempSync(join(tmpdir(), 'foryou-slo-e2e-'));
    const port = await freePort();
    promUrl = `http://127.0.0.1:${port}`;
    const config = {
      global: { scrape_interval: '1s', evaluation_interval: '1s' },
      rule_files: drillRules,
      scrape_configs: [
        { job_name: 'home-mixer', static_configs: [{ targets: [`127.0.0.1:${stack.ports.mixerHttp}`] }] },
        { job_name: 'thunder', static_configs: [{ targets: [`127.0.0.1:${stack.ports.thunderHttp}`] }] },
        { job_name: 'phoenix', static_configs: [{ targets: [`127.0.0.1:${stack.ports.phoenixHttp}`] }] },
      ],
    };
    writeFileSync(join(dir, 'prometheus.yml'), JSON.stringify(config));
    prometheus = spawn(
      PROMETHEUS,
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    prometheus.stdout!.on('data', (d: Buffer) => (promLog += d.toString()));
    prometheus.stderr!.on('data', (d: Buffer) => (promLog += d.toString()));
    await pollUntil('prometheus ready', 30_000, async () => {
      if (prometheus!.exitCode !== null) {
        throw new Error(`prometheus exited ${prometheus!.exitCode}:\n${promLog.slice(-3000)}`);
      }
      return fetch(`${promUrl}/-/ready`).then(
        (r) => r.status === 200,
        () => false,
      );
    });
  }, 300_000);

  afterAll(async () => {
    if (prometheus && prometheus.exitCode === null) {
      prometheus.kill('SIGTERM');
      await once(prometheus, 'exit');
    }
    await stack?.stop();
    if (dir) {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('should expose every metric of the checked-in catalogs (slo/metrics/<job>.yaml) with the same type and buckets', async () => {
    const traffic = startTraffic(stack!.homeMixer, 10_000);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    await traffic.stop();
    const mismatches: string[] = [];
    for (const [job, url] of [
      ['home-mixer', `${stack!.homeMixer}/metrics`],
      ['thunder', `http://127.0.0.1:${stack!.ports.thunderHttp}/metrics`],
    ] as const) {
      const live = catalogFromExposition(job, await (await fetch(url)).text());
      const liveByName = new Map(live.metrics.map((m) => [m.name, m]));
      for (const m of readJobCatalog(join(ROOT, `slo/metrics/${job}.yaml`)).metrics) {
        const l = liveByName.get(m.name);
        // Buckets appear only once a series has been observed; compare what both sides know.
        const bucketsDiffer =
          m.buckets && m.buckets.length > 0 && l?.buckets && l.buckets.length > 0
            ? JSON.stringify(m.buckets) !== JSON.stringify(l.buckets)
            : false;
        if (!l || l.type !== m.type || bucketsDiffer) {
          mismatches.push(`${job}: ${m.name}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
  }, 60_000);

  it('should fire the availability page when every feed fails, and clear it after recovery', async () => {
    const base = stack!.homeMixer;
    const traffic = startTraffic(base, 240_000);
    try {
      // Baseline: the drill's 1h window is 1 minute; wait until it holds enough events (min_events 100)
      // and check the page is not firing on a healthy stack.
      await pollUntil('baseline traffic in the 1h (drill: 1m) window', 120_000, async () => {
        const r = await promGet<{ result: { value: [number, string] }[] }>(
          promUrl,
          `/api/v1/query?query=${encodeURIComponent('slo:sli_total:rate1h{sloth_id="home-mixer-feed-availability"} * 60')}`,
        );
        return r.result.length > 0 && Number(r.result[0]!.value[1]) >= 100;
      });
      expect(await firingPage(promUrl)).toBe(false);

      for (const adapter of ['inNetworkPosts', 'retrieval', 'candidateCache']) {
        await setFault(base, adapter, 'error');
      }
      const failed = await (await fetch(`${base}/v1/feed/for-you?viewer_id=u1&limit=20`)).json();
      expect(failed).toMatchObject({ degradation: { degraded: true } });
      const detectedMs = await pollUntil('availability page firing', 90_000, () => firingPage(promUrl));
      log(
        `availability page fired ${(detectedMs / 1000).toFixed(1)} s after the fault (drill: windows ÷ 60)`,
      );

      const cleared = await fetch(`${base}/v1/admin/faults`, { method: 'DELETE' });
      expect(cleared.status).toBe(200);
      const recoveredMs = await pollUntil(
        'availability page cleared',
        120_000,
        async () => !(await firingPage(promUrl)),
      );
      log(
        `availability page cleared ${(recoveredMs / 1000).toFixed(1)} s after the fault was removed (${traffic.sent()} requests sent)`,
      );
      // Detection is bounded by the drill's short window (5 s) + scrape + evaluation, far below a minute.
      expect(detectedMs).toBeLessThan(60_000);
    } finally {
      await traffic.stop();
    }
  }, 420_000);
});
