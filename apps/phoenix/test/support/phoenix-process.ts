import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { credentials, type Client, type ServiceError } from '@grpc/grpc-js';
import {
  loadPhoenixProto,
  type RankRequest,
  type RankResponse__Output,
  type RetrieveRequest,
  type RetrieveResponse__Output,
} from '@foryou/contracts';

const ROOT = join(__dirname, '..', '..', '..', '..');
export const PHOENIX_ENTRY = join(ROOT, 'apps', 'phoenix', 'dist', 'main.js');

/** One JSON log line of the service. */
export type LogLine = Record<string, unknown> & { msg?: string };

/**
 * A spawned `node apps/phoenix/dist/main.js` on ports chosen by the OS (0). Readiness is the
 * "phoenix ready" log line (it carries the bound ports) — no polling, no sleeps.
 */
export class PhoenixProcess {
  readonly lines: LogLine[] = [];
  private readonly _waiters: { match: (l: LogLine) => boolean; resolve: (l: LogLine) => void }[] = [];
  readonly exited: Promise<number | null>;

  private constructor(private readonly _child: ChildProcess) {
    const rl = createInterface({ input: _child.stdout! });
    rl.on('line', (text) => {
      let line: LogLine;
      try {
        line = JSON.parse(text) as LogLine;
      } catch {
        line = { msg: text };
      }
      this.lines.push(line);
      for (const w of this._waiters.splice(0)) {
        if (w.match(line)) {
          w.resolve(line);
        } else {
          this._waiters.push(w);
        }
      }
    });
    const stderr: string[] = [];
    _child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
    this.exited = new Promise((resolve) =>
      _child.once('exit', (code) => {
        if (stderr.length > 0) {
          this.lines.push({ msg: `stderr: ${stderr.join('')}` });
        }
        resolve(code);
      }),
    );
  }

  static start(env: Record<string, string>): PhoenixProcess {
    if (!existsSync(PHOENIX_ENTRY)) {
      throw new Error(
        `${PHOENIX_ENTRY} is missing: build first (npx tsc -b libs/phoenix-model/tsconfig.build.json apps/phoenix/tsconfig.build.json)`,
      );
    }
    const child = spawn(process.execPath, [PHOENIX_ENTRY], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        PHOENIX_HOST: '127.0.0.1',
        PHOENIX_HTTP_PORT: '0',
        PHOENIX_GRPC_PORT: '0',
        WORLD_SCALE: 'small',
        WORLD_SEED: '42',
        LOG_LEVEL: 'info',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new PhoenixProcess(child);
  }

  /** Resolves with the first log line (past or future) that matches; rejects if the process exits first. */
  waitFor(match: (l: LogLine) => boolean): Promise<LogLine> {
    const seen = this.lines.find(match);
    if (seen) {
      return Promise.resolve(seen);
    }
    return Promise.race([
      new Promise<LogLine>((resolve) => this._waiters.push({ match, resolve })),
      this.exited.then((code) => {
        throw new Error(`phoenix exited (${code}) before the expected log line:\n${this.log()}`);
      }),
    ]);
  }

  /**
   * Waits for "phoenix ready" (an info line: keep LOG_LEVEL at info) and returns the bound ports. Bounded:
   * after `timeoutMs` the process is stopped and the wait fails with its log.
   */
  async ready(timeoutMs = 90_000): Promise<{ httpPort: number; grpcPort: number; line: LogLine }> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        void this.stop().then(() =>
          reject(new Error(`phoenix not ready after ${timeoutMs} ms:\n${this.log()}`)),
        );
      }, timeoutMs);
    });
    try {
      const line = await Promise.race([this.waitFor((l) => l.msg === 'phoenix ready'), timeout]);
      return { httpPort: Number(line.http_port), grpcPort: Number(line.grpc_port), line };
    } finally {
      clearTimeout(timer);
    }
  }

  log(): string {
    return this.lines.map((l) => JSON.stringify(l)).join('\n');
  }

  async stop(): Promise<number | null> {
    if (this._child.exitCode === null && this._child.signalCode === null) {
      this._child.kill('SIGTERM');
    }
    return this.exited;
  }
}

/** Promise-returning Retrieve/Rank clients on one channel each. */
export function phoenixClients(port: number): {
  retrieve(req: RetrieveRequest, deadlineMs?: number): Promise<RetrieveResponse__Output>;
  rank(req: RankRequest, deadlineMs?: number): Promise<RankResponse__Output>;
  close(): void;
} {
  const proto = loadPhoenixProto().foryou.phoenix.v1;
  const address = `127.0.0.1:${port}`;
  const retrieval = new proto.Retrieval(address, credentials.createInsecure());
  const ranking = new proto.Ranking(address, credentials.createInsecure());
  const deadline = (ms: number | undefined) => ({ deadline: Date.now() + (ms ?? 10_000) });
  return {
    retrieve: (req, ms) =>
      new Promise((resolve, reject) =>
        retrieval.Retrieve(req, deadline(ms), (err: ServiceError | null, res?: RetrieveResponse__Output) =>
          err ? reject(err) : resolve(res!),
        ),
      ),
    rank: (req, ms) =>
      new Promise((resolve, reject) =>
        ranking.Rank(req, deadline(ms), (err: ServiceError | null, res?: RankResponse__Output) =>
          err ? reject(err) : resolve(res!),
        ),
      ),
    close: () => {
      for (const c of [retrieval, ranking] as Client[]) {
        c.close();
      }
    },
  };
}
