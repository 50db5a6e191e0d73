/**
 * Side-effect throughput and end-to-end latency for ONE workers process, with Redis AOF `appendfsync
 * everysec` and `always`, measured side by side in one run (interleaved rounds, since the machine is
 * shared and noisy). A script, not a test: `npm run bench:side-effects [-- --responses N --rounds R]`.
 *
 * Each round: a private redis-server (AOF on, fresh temp dir) → one workers process → the bench commits
 * responses through the real outbox (2 jobs each: served history + served-candidates log). Throughput:
 * N responses committed as fast as C producers can, jobs / (last applied − first commit). Latency: M
 * responses at a steady rate below saturation, log entry time (Redis stream id, ms) − commit time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Outbox } from '@foryou/async-work';
import {
  envelopeFor,
  SERVED_CANDIDATES_STREAM,
  servedCandidatesWork,
  servedHistoryWork,
} from '@foryou/feed-state';
import { Redis } from 'ioredis';

type Fsync = 'everysec' | 'always';

interface RoundResult {
  readonly fsync: Fsync;
  readonly jobs: number;
  readonly seconds: number;
  readonly p50: number;
  readonly p99: number;
  readonly acceptP50: number;
  readonly acceptP99: number;
}

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(v) || v <= 0) {
    throw new Error(`--${name} must be a positive number`);
  }
  return v;
}

async function freePort(): Promise<number> {
  const s = createServer().listen(0, '127.0.0.1');
  await once(s, 'listening');
  const { port } = s.address() as AddressInfo;
  s.close();
  await once(s, 'close');
  return port;
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) {
      return;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out: ${what}`);
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

async function round(
  fsync: Fsync,
  responses: number,
  inFlight: number,
  latencyResponses: number,
  rate: number,
): Promise<RoundResult> {
  const dir = await mkdtemp(join(tmpdir(), `fx-bench-${fsync}-`));
  const port = await freePort();
  const redisServer = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--appendonly',
      'yes',
      '--appendfsync',
      fsync,
      '--save',
      '',
    ],
    { stdio: 'ignore' },
  );
  const url = `redis://127.0.0.1:${port}`;
  const redis = new Redis(url, { keyPrefix: 'foryou:', maxRetriesPerRequest: null, lazyConnect: true });
  redis.on('error', () => undefined); // connection refused until redis-server listens
  let worker: ChildProcess | undefined;
  try {
    await until(async () => (await redis.connect().then(() => redis.ping())) === 'PONG', 'redis up', 10_000);
    const httpPort = await freePort();
    worker = spawn(process.execPath, [join(__dirname, '..', 'main.js')], {
      env: {
        ...process.env,
        REDIS_URL: url,
        WORKERS_HOST: '127.0.0.1',
        WORKERS_HTTP_PORT: String(httpPort),
        RECONCILE_INTERVAL_S: '0',
        GROX_ENABLED: 'false',
        OTEL_EXPORTER_OTLP_ENDPOINT: '',
        LOG_LEVEL: 'error',
      },
      stdio: 'ignore',
    });
    await until(async () => (await fetch(`http://127.0.0.1:${httpPort}/readyz`)).ok, 'workers ready', 20_000);

    const outbox = new Outbox(redis);
    const acceptMs: number[] = [];
    const commitOne = async (requestId: string, n: number) => {
      const createdAtMs = Date.now();
      const ctx = { requestId, producer: 'bench@0', createdAtMs };
      const viewerId = `v${n % 500}`;
      const postIds = [`p${n}`];
      const t0 = performance.now();
      await outbox.commit(
        [
          envelopeFor(
            ctx,
            servedHistoryWork({
              viewerId,
              requestId,
              requestType: 'for_you',
              servedAtMs: createdAtMs,
              postIds,
              maxEntries: 200,
            }),
          ),
          envelopeFor(
            ctx,
            servedCandidatesWork({
              viewerId,
              requestId,
              requestType: 'for_you',
              servedAtMs: createdAtMs,
              maxHistoryEntries: 200,
              items: postIds.map((postId, position) => ({
                postId,
                position,
                sources: ['bench'],
                score: 1,
                modelVersion: 'bench',
              })),
            }),
          ),
        ],
        (tx) => tx.set(`response:${requestId}`, '1', 'EX', 600),
      );
      acceptMs.push(performance.now() - t0);
    };
    const applied = async (count: number) =>
      until(async () => (await redis.xlen(SERVED_CANDIDATES_STREAM)) >= count, 'all applied', 300_000);

    // Phase 1, saturation: commit as fast as `inFlight` producers can; throughput of the one worker.
    let next = 0;
    const started = Date.now();
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (next < responses) {
          const n = next++;
          await commitOne(`sat-${n}`, n);
        }
      }),
    );
    await applied(responses);
    const saturation = await redis.xrange(SERVED_CANDIDATES_STREAM, '-', '+');
    const lastApplied = Math.max(...saturation.map(([id]) => Number(id.split('-')[0])));
    await until(async () => (await redis.xlen('outbox:side-effects')) === 0, 'outbox drained', 60_000);
    await redis.del(SERVED_CANDIDATES_STREAM);

    // Phase 2, latency at a steady `rate` well below saturation: commit → applied, per response.
    acceptMs.length = 0; // commit times are reported for the steady phase only
    const paced: Promise<void>[] = [];
    const t0 = performance.now();
    for (let i = 0; i < latencyResponses; i++) {
      const due = t0 + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) {
        await new Promise((r) => setTimeout(r, wait));
      }
      paced.push(commitOne(`lat-${i}`, responses + i));
    }
    await Promise.all(paced);
    await applied(latencyResponses);
    const entries = await redis.xrange(SERVED_CANDIDATES_STREAM, '-', '+');
    const latencies = entries
      .map(([id, f]) => Number(id.split('-')[0]) - (JSON.parse(f[1]!) as { servedAtMs: number }).servedAtMs)
      .sort((a, b) => a - b);
    acceptMs.sort((a, b) => a - b);
    return {
      fsync,
      jobs: responses * 2,
      seconds: (lastApplied - started) / 1000,
      p50: quantile(latencies, 0.5),
      p99: quantile(latencies, 0.99),
      acceptP50: quantile(acceptMs, 0.5),
      acceptP99: quantile(acceptMs, 0.99),
    };
  } finally {
    if (worker && worker.exitCode === null) {
      const exited = once(worker, 'exit');
      worker.kill('SIGTERM');
      await exited;
    }
    redis.disconnect();
    const exited = once(redisServer, 'exit');
    redisServer.kill('SIGKILL');
    await exited;
    await rm(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const responses = arg('responses', 3000);
  const rounds = arg('rounds', 2);
  const inFlight = arg('in-flight', 32);
  const latencyResponses = arg('latency-responses', 1000);
  const rate = arg('rate', 100);
  process.stderr.write(
    `side-effect bench: throughput = ${responses} responses × 2 jobs with ${inFlight} commits in flight; ` +
      `latency = ${latencyResponses} responses at ${rate}/s; ${rounds} interleaved round(s) per fsync policy\n`,
  );
  const results: RoundResult[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const fsync of ['everysec', 'always'] as const) {
      const result = await round(fsync, responses, inFlight, latencyResponses, rate);
      results.push(result);
      process.stderr.write(
        `  round ${r + 1} ${fsync.padEnd(8)} ${(result.jobs / result.seconds).toFixed(0)} jobs/s\n`,
      );
    }
  }
  const row = (fsync: Fsync) => {
    const rs = results.filter((x) => x.fsync === fsync);
    const mean = (f: (x: RoundResult) => number) => rs.reduce((a, x) => a + f(x), 0) / rs.length;
    return {
      fsync,
      jobsPerSecond: mean((x) => x.jobs / x.seconds),
      p50: mean((x) => x.p50),
      p99: mean((x) => x.p99),
      acceptP50: mean((x) => x.acceptP50),
      acceptP99: mean((x) => x.acceptP99),
    };
  };
  const [a, b] = [row('everysec'), row('always')];
  const fmt = (v: number, d = 1) => v.toFixed(d).padStart(10);
  const lines = [
    '',
    `appendfsync   jobs/s   e2e p50 ms   e2e p99 ms   commit p50 ms   commit p99 ms   (e2e at the steady rate)`,
    ...[a, b].map(
      (x) =>
        `${x.fsync.padEnd(10)}${fmt(x.jobsPerSecond, 0)}${fmt(x.p50)}   ${fmt(x.p99)}   ${fmt(x.acceptP50, 2)}      ${fmt(x.acceptP99, 2)}`,
    ),
    `ratio always/everysec: throughput ${(b.jobsPerSecond / a.jobsPerSecond).toFixed(2)}×, e2e p99 ${(b.p99 / a.p99).toFixed(2)}×, commit p99 ${(b.acceptP99 / a.acceptP99).toFixed(2)}×`,
    '',
  ];
  process.stdout.write(lines.join('\n'));
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
