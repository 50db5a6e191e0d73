import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CrashPoint } from '@foryou/async-work';
import { freePort } from '../../../thunder/test/support/redis-server';

export const MAIN = join(__dirname, '../../dist/main.js');

/** One spawned `node apps/workers/dist/main.js` with its log, readiness and crash-barrier helpers. */
export class WorkersProcess {
  private _log = '';
  private readonly _waiters: { text: string; resolve: () => void }[] = [];
  readonly exited: Promise<number | null>;

  private constructor(
    readonly child: ChildProcess,
    readonly httpUrl: string,
  ) {
    const onData = (d: Buffer) => {
      this._log += d.toString();
      for (const w of [...this._waiters]) {
        if (this._log.includes(w.text)) {
          this._waiters.splice(this._waiters.indexOf(w), 1);
          w.resolve();
        }
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  /**
   * Spawns the workers against `redisUrl` with test-friendly timings: a killed worker's jobs are
   * re-delivered about a second after restart, and the relay keeps one consumer name across restarts.
   */
  static async spawn(redisUrl: string, env: Readonly<Record<string, string>> = {}): Promise<WorkersProcess> {
    if (!existsSync(MAIN)) {
      throw new Error(`${MAIN} is missing: run \`npm run build\` first`);
    }
    const port = await freePort();
    const child = spawn(process.execPath, [MAIN], {
      env: {
        ...process.env,
        REDIS_URL: redisUrl,
        WORKERS_HOST: '127.0.0.1',
        WORKERS_HTTP_PORT: String(port),
        WORKER_ID: 'crash-test',
        WORKER_LOCK_DURATION_MS: '1000',
        WORKER_STALLED_INTERVAL_MS: '250',
        WORKER_BACKOFF_MS: '20',
        RECONCILE_INTERVAL_S: '0',
        GROX_ENABLED: 'false', // these tests are about side effects; grox has its own

        OTEL_EXPORTER_OTLP_ENDPOINT: '',
        LOG_LEVEL: 'warn',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new WorkersProcess(child, `http://127.0.0.1:${port}`);
  }

  get log(): string {
    return this._log;
  }

  /** Resolves when the process prints `text` (bounded by `timeoutMs`). */
  waitFor(text: string, timeoutMs = 20_000): Promise<void> {
    if (this._log.includes(text)) {
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timed out waiting for "${text}"; log:\n${this._log}`)),
        timeoutMs,
      );
      this._waiters.push({
        text,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  /** Resolves when the process stopped at `point` (FORYOU_CRASH_AT). */
  reachedBarrier(point: CrashPoint): Promise<void> {
    return this.waitFor(`CRASH-BARRIER ${point}`);
  }

  async kill(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = once(this.child, 'exit');
      this.child.kill('SIGKILL');
      await exited;
    }
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = once(this.child, 'exit');
      this.child.kill('SIGTERM');
      await exited;
    }
  }
}

/** Polls `check` until it returns true (bounded); for state written by another process. */
export async function eventually(
  check: () => Promise<boolean>,
  what: string,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) {
      return;
    }
    await new Promise((r) => setTimeout(r, 50)); // polling another process's effects
  }
  throw new Error(`timed out waiting for ${what}`);
}
