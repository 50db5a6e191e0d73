/**
 * Kill-switch propagation benchmark: the time from `KillSwitchStore.kill()` being called in this process
 * to a `KillSwitchWatcher` in ANOTHER process (spawned node) having the kill in `current()`.
 *
 *   npx tsc -b libs/feed-state/tsconfig.build.json
 *   node libs/feed-state/dist/bench/kill-propagation.js [--watchers 2] [--trials 200] [--poll-trials 40] [--poll-ms 1000]
 *
 * Two paths:
 * - `publish`: a normal `kill()` (MULTI: HSETNX + outbox envelope + PUBLISH); the watchers' poll period is
 *   an hour, so only the publish can deliver it.
 * - `poll`: the record is written WITHOUT the publish (HSETNX only: a lost publish), so only the backstop
 *   poll (`--poll-ms`) can deliver it; expected uniform in [0, pollMs] plus one HGETALL.
 *
 * Times are wall-clock (`performance.timeOrigin + performance.now()`, the same host clock in every
 * process). Uses `REDIS_URL` (default redis://127.0.0.1:6379) under a fresh key prefix, removed at the end.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { KILL_RECORD_SCHEMA_VERSION, type KillRecord } from '@foryou/experiments';
import { Redis } from 'ioredis';
import { KillSwitchStore, KillSwitchWatcher } from '../experiment-kills';

const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const nowMs = (): number => performance.timeOrigin + performance.now();

type ChildMessage = { readonly ready: true } | { readonly seen: string; readonly atMs: number };

/** The watcher process: reports every kill id the first time its state contains it. */
async function child(prefix: string, pollMs: number): Promise<void> {
  const redis = new Redis(REDIS_URL, { keyPrefix: prefix });
  const subscriber = new Redis(REDIS_URL, { keyPrefix: prefix });
  const seen = new Set<string>();
  const say = (m: ChildMessage): void => {
    process.stdout.write(`${JSON.stringify(m)}\n`);
  };
  const watcher = new KillSwitchWatcher({
    store: new KillSwitchStore({ redis }),
    subscriber,
    pollMs,
    onChange: (_state, records) => {
      const atMs = nowMs();
      for (const r of records) {
        if (!seen.has(r.kill_id)) {
          seen.add(r.kill_id);
          say({ seen: r.kill_id, atMs });
        }
      }
    },
  });
  await watcher.start();
  say({ ready: true });
  process.stdin.resume(); // 'end' (the parent closing our stdin) is only emitted while reading
  await once(process.stdin, 'end');
  await watcher.stop();
  redis.disconnect();
  subscriber.disconnect();
}

interface Watcher {
  readonly process: ChildProcess;
  /** Resolves with the observation time of `killId`. */
  observed(killId: string): Promise<number>;
}

async function startWatcher(prefix: string, pollMs: number): Promise<Watcher> {
  const proc = spawn(
    process.execPath,
    [__filename, '--child', '--prefix', prefix, '--poll-ms', String(pollMs)],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const seen = new Map<string, number>();
  const waiting = new Map<string, (atMs: number) => void>();
  let ready: (() => void) | undefined;
  const isReady = new Promise<void>((resolve) => (ready = resolve));
  createInterface({ input: proc.stdout }).on('line', (line) => {
    const m = JSON.parse(line) as ChildMessage;
    if ('ready' in m) {
      ready?.();
      return;
    }
    seen.set(m.seen, m.atMs);
    waiting.get(m.seen)?.(m.atMs);
  });
  await isReady;
  return {
    process: proc,
    observed: (killId) => {
      const at = seen.get(killId);
      return at !== undefined ? Promise.resolve(at) : new Promise((resolve) => waiting.set(killId, resolve));
    },
  };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? NaN;
}

function summary(label: string, samples: readonly number[]): string {
  const s = [...samples].sort((a, b) => a - b);
  const f = (x: number): string => x.toFixed(2).padStart(8);
  return `${label.padEnd(38)} n=${String(s.length).padStart(4)}  p50 ${f(percentile(s, 0.5))}  p90 ${f(percentile(s, 0.9))}  p99 ${f(percentile(s, 0.99))}  max ${f(s[s.length - 1] ?? NaN)}  (ms)`;
}

const record = (killId: string): KillRecord => ({
  schema_version: KILL_RECORD_SCHEMA_VERSION,
  kill_id: killId,
  experiment_key: 'bench',
  variant: `v${killId.replace(/[^a-z0-9]/g, '')}`.slice(0, 60),
  reason: 'propagation benchmark',
  actor: 'bench',
  automatic: false,
  created_at_ms: Date.now(),
});

async function parent(opts: {
  watchers: number;
  trials: number;
  pollTrials: number;
  pollMs: number;
}): Promise<void> {
  const prefix = `foryou-bench:${randomUUID()}:`;
  const redis = new Redis(REDIS_URL, { keyPrefix: prefix });
  const store = new KillSwitchStore({ redis, producer: 'bench' });
  const rtt: number[] = [];
  for (let i = 0; i < 50; i++) {
    const t = nowMs();
    await redis.hgetall('experiments:kills');
    rtt.push(nowMs() - t);
  }
  const lines: string[] = [
    `kill-switch propagation: ${opts.watchers} watcher process(es), Redis ${REDIS_URL}, node ${process.version}`,
    summary('HGETALL round trip', rtt),
  ];
  const run = async (pollMs: number, trials: number, mode: 'publish' | 'poll') => {
    const watchers = await Promise.all(
      Array.from({ length: opts.watchers }, () => startWatcher(prefix, pollMs)),
    );
    const fromCall: number[] = [];
    const fromAck: number[] = [];
    try {
      for (let i = 0; i < trials; i++) {
        const kill = record(`${mode}-${i}-${randomUUID().slice(0, 8)}`);
        const t0 = nowMs();
        if (mode === 'publish') {
          await store.kill(kill);
        } else {
          await redis.hsetnx(store.key, kill.kill_id, JSON.stringify(kill));
        }
        const t1 = nowMs();
        for (const at of await Promise.all(watchers.map((w) => w.observed(kill.kill_id)))) {
          fromCall.push(at - t0);
          fromAck.push(at - t1);
        }
        if (mode === 'poll') {
          // Decorrelate the write from the watchers' poll phase.
          await new Promise((r) => setTimeout(r, Math.random() * pollMs));
        }
      }
    } finally {
      for (const w of watchers) {
        w.process.stdin?.end();
        await once(w.process, 'exit');
      }
    }
    return { fromCall, fromAck };
  };
  const pub = await run(3_600_000, opts.trials, 'publish');
  lines.push(summary('publish: kill() called → observed', pub.fromCall));
  lines.push(summary('publish: kill() resolved → observed', pub.fromAck));
  const poll = await run(opts.pollMs, opts.pollTrials, 'poll');
  lines.push(summary(`poll only (${opts.pollMs} ms): write → observed`, poll.fromCall));
  const bound = opts.pollMs + Math.max(...rtt);
  const worst = Math.max(...poll.fromCall);
  lines.push(
    `poll bound pollMs + max HGETALL = ${bound.toFixed(1)} ms; worst observed ${worst.toFixed(1)} ms (${worst <= bound ? 'within' : 'OVER'})`,
  );
  process.stdout.write(`${lines.join('\n')}\n`);
  const raw = new Redis(REDIS_URL);
  const keys = await raw.keys(`${prefix}*`);
  if (keys.length > 0) {
    await raw.del(...keys);
  }
  raw.disconnect();
  redis.disconnect();
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      child: { type: 'boolean', default: false },
      prefix: { type: 'string' },
      'poll-ms': { type: 'string', default: '1000' },
      watchers: { type: 'string', default: '2' },
      trials: { type: 'string', default: '200' },
      'poll-trials': { type: 'string', default: '40' },
    },
  });
  const pollMs = Number(values['poll-ms']);
  if (values.child) {
    await child(values.prefix ?? '', pollMs);
    return;
  }
  await parent({
    watchers: Number(values.watchers),
    trials: Number(values.trials),
    pollTrials: Number(values['poll-trials']),
    pollMs,
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
