import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReadyWaitError, waitForReady } from '@foryou/service-kit';
import { Redis } from 'ioredis';

const ROOT = join(__dirname, '../../../..');
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** One spawned service: its process and everything it printed. */
export interface Proc {
  readonly name: string;
  readonly child: ChildProcess;
  output(): string;
}

export async function freePort(): Promise<number> {
  const s = createServer().listen(0, '127.0.0.1');
  await once(s, 'listening');
  const { port } = s.address() as AddressInfo;
  s.close();
  await once(s, 'close');
  return port;
}

export function startProc(name: string, script: string, env: NodeJS.ProcessEnv): Proc {
  let out = '';
  const child = spawn(process.execPath, [join(ROOT, script)], {
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  return { name, child, output: () => out };
}

/**
 * Bounded polling of `/readyz` on a process we spawned (the one place an e2e test waits on another
 * process's time): fails fast with the process output if it exits (by code or by signal), or after
 * `attempts`.
 */
export async function waitReady(proc: Proc, url: string, attempts = 1200): Promise<void> {
  const exited =
    proc.child.exitCode !== null || proc.child.signalCode !== null
      ? Promise.resolve()
      : once(proc.child, 'exit');
  try {
    await waitForReady(url, { attempts, intervalMs: 100, requestTimeoutMs: 2000, exited });
  } catch (err) {
    const how = proc.child.exitCode ?? proc.child.signalCode;
    const what =
      err instanceof ReadyWaitError && err.failure === 'exited'
        ? `exited with ${how}`
        : (err as Error).message;
    throw new Error(`${proc.name} ${what}:\n${proc.output().slice(-3000)}`);
  }
}

export interface Stack {
  readonly prefix: string;
  readonly homeMixer: string;
  readonly thunder: Proc;
  readonly phoenix: Proc;
  readonly mixer: Proc;
  readonly workers: Proc;
  /** BullMQ prefix of this run's side-effect queue. */
  readonly queuePrefix: string;
  readonly ports: {
    thunderGrpc: number;
    thunderHttp: number;
    phoenixGrpc: number;
    phoenixHttp: number;
    mixerHttp: number;
    workersHttp: number;
  };
  stop(): Promise<void>;
}

/**
 * Thunder, Phoenix, the workers and home-mixer as separate processes on the small world, with the
 * world's post events published to Redis Streams under a key prefix unique to this run (removed on stop).
 */
export async function startStack(
  options: { phoenixArtifacts?: string; mixerEnv?: NodeJS.ProcessEnv; workersEnv?: NodeJS.ProcessEnv } = {},
): Promise<Stack> {
  const runId = randomUUID();
  const prefix = `foryou-e2e:${runId}:`;
  const queuePrefix = `foryou-e2e-bull-${runId}`;
  const dir = mkdtempSync(join(tmpdir(), 'foryou-e2e-'));
  const ports = {
    thunderGrpc: await freePort(),
    thunderHttp: await freePort(),
    phoenixGrpc: await freePort(),
    phoenixHttp: await freePort(),
    mixerHttp: await freePort(),
    workersHttp: await freePort(),
  };
  const common = { REDIS_URL, REDIS_KEY_PREFIX: prefix, WORLD_SCALE: 'small', WORLD_SEED: '42' };
  const publish = spawnSync(
    process.execPath,
    [
      join(ROOT, 'apps/cli/dist/main.js'),
      'publish-world',
      '--scale',
      'small',
      '--seed',
      '42',
      '--redis-url',
      REDIS_URL,
      '--prefix',
      prefix,
      '--reset',
    ],
    { encoding: 'utf8', env: { ...process.env, CI: 'true' } },
  );
  if (publish.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`publish-world failed:\n${publish.stdout}\n${publish.stderr}`);
  }
  const thunder = startProc('thunder', 'apps/thunder/dist/main.js', {
    ...common,
    THUNDER_HTTP_PORT: String(ports.thunderHttp),
    THUNDER_GRPC_PORT: String(ports.thunderGrpc),
    THUNDER_SNAPSHOT_DIR: join(dir, 'thunder'),
  });
  const phoenix = startProc('phoenix', 'apps/phoenix/dist/main.js', {
    ...common,
    PHOENIX_HTTP_PORT: String(ports.phoenixHttp),
    PHOENIX_GRPC_PORT: String(ports.phoenixGrpc),
    PHOENIX_ARTIFACT_DIR: options.phoenixArtifacts ?? join(dir, 'phoenix'),
  });
  const workers = startProc('workers', 'apps/workers/dist/main.js', {
    ...common,
    QUEUE_PREFIX: queuePrefix,
    WORKERS_HOST: '127.0.0.1',
    WORKERS_HTTP_PORT: String(ports.workersHttp),
    ...options.workersEnv,
  });
  let mixer: Proc | undefined;
  const stop = async () => {
    for (const p of [mixer, workers, phoenix, thunder]) {
      if (!p) {
        continue;
      }
      if (p.child.exitCode === null && p.child.signalCode === null) {
        p.child.kill('SIGKILL');
        await once(p.child, 'exit');
      }
    }
    const redis = new Redis(REDIS_URL);
    const keys = [...(await redis.keys(`${prefix}*`)), ...(await redis.keys(`${queuePrefix}:*`))];
    if (keys.length > 0) {
      await redis.del(...keys);
    }
    redis.disconnect();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    // home-mixer starts once its dependencies serve, as in the demo and docker-compose.
    await Promise.all([
      waitReady(thunder, `http://127.0.0.1:${ports.thunderHttp}/readyz`),
      waitReady(phoenix, `http://127.0.0.1:${ports.phoenixHttp}/readyz`),
      waitReady(workers, `http://127.0.0.1:${ports.workersHttp}/readyz`),
    ]);
    mixer = startProc('home-mixer', 'apps/home-mixer/dist/main.js', {
      ...common,
      PORT: String(ports.mixerHttp),
      HOST: '127.0.0.1',
      THUNDER_ADDRESS: `127.0.0.1:${ports.thunderGrpc}`,
      PHOENIX_ADDRESS: `127.0.0.1:${ports.phoenixGrpc}`,
      ...options.mixerEnv,
    });
    await waitReady(mixer, `http://127.0.0.1:${ports.mixerHttp}/readyz`);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    prefix,
    queuePrefix,
    homeMixer: `http://127.0.0.1:${ports.mixerHttp}`,
    thunder,
    phoenix,
    mixer,
    workers,
    ports,
    stop,
  };
}
