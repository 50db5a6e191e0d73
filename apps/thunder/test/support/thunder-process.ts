import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  loadThunderProto,
  type GetInNetworkPostsRequest,
  type GetInNetworkPostsResponse__Output,
  type InNetworkPostsClient,
} from '@foryou/contracts';
import { ReadyWaitError, waitForReady } from '@foryou/service-kit';
import { credentials, type ServiceError } from '@grpc/grpc-js';
import { freePort } from './redis-server';

export const MAIN = join(__dirname, '../../dist/main.js');

export interface ReadyBody {
  readonly status: 'ready' | 'not_ready';
  readonly reason?: string;
  readonly store_version: string;
  readonly restore: { readonly source: string; readonly detail?: string };
  readonly partitions: readonly { partition: number; lag: number | null; offset: string; consumed: number }[];
}

/** One spawned `node apps/thunder/dist/main.js`, with its ports, log and a gRPC client. */
export class ThunderProcess {
  private _log = '';
  readonly exited: Promise<number | null>;
  readonly client: InNetworkPostsClient;

  private constructor(
    readonly child: ChildProcess,
    readonly httpUrl: string,
    readonly grpcTarget: string,
  ) {
    child.stdout?.on('data', (d: Buffer) => (this._log += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (this._log += d.toString()));
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    const Client = loadThunderProto().foryou.thunder.v1.InNetworkPosts;
    this.client = new Client(grpcTarget, credentials.createInsecure());
  }

  /** Spawns Thunder on free ports with `env` on top of the inherited environment. */
  static async spawn(env: Readonly<Record<string, string>>): Promise<ThunderProcess> {
    if (!existsSync(MAIN)) {
      throw new Error(`${MAIN} is missing: run \`npx tsc -b apps/thunder/tsconfig.build.json\` first`);
    }
    const [http, grpc] = [await freePort(), await freePort()];
    const child = spawn(process.execPath, [MAIN], {
      env: {
        ...process.env,
        THUNDER_HOST: '127.0.0.1',
        THUNDER_HTTP_PORT: String(http),
        THUNDER_GRPC_PORT: String(grpc),
        OTEL_EXPORTER_OTLP_ENDPOINT: '',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new ThunderProcess(child, `http://127.0.0.1:${http}`, `127.0.0.1:${grpc}`);
  }

  get log(): string {
    return this._log;
  }

  /**
   * Polls /readyz (an external process: bounded, 50 ms apart) until `accept` holds; fails early if
   * the process exits, and with its log after `attempts`.
   */
  async waitFor(
    accept: (r: { code: number; body: ReadyBody }) => boolean,
    attempts = 600,
  ): Promise<ReadyBody> {
    let accepted: ReadyBody | undefined;
    // Only an exit with a code ends the wait early (Thunder killed by a signal is not noticed).
    const exitedWithCode = this.exited.then((code) =>
      code === null ? new Promise<never>(() => undefined) : code,
    );
    try {
      await waitForReady(`${this.httpUrl}/readyz`, {
        attempts,
        intervalMs: 50,
        exited: exitedWithCode,
        accept: async (res) => {
          const r = { code: res.status, body: (await res.json()) as ReadyBody };
          accepted = accept(r) ? r.body : undefined;
          return accepted !== undefined;
        },
      });
    } catch (err) {
      if (err instanceof ReadyWaitError && err.failure === 'exited') {
        throw new Error(`thunder exited with ${this.child.exitCode}:\n${this._log}`);
      }
      throw new Error(`thunder did not get there in ${attempts} polls:\n${this._log.slice(-4000)}`);
    }
    return accepted!;
  }

  waitReady(): Promise<ReadyBody> {
    return this.waitFor((r) => r.code === 200);
  }

  /** Ready and every partition's offset at the given stream tips. */
  waitCaughtUp(tips: readonly string[]): Promise<ReadyBody> {
    return this.waitFor((r) => r.code === 200 && r.body.partitions.every((p, i) => p.offset === tips[i]));
  }

  query(
    request: GetInNetworkPostsRequest,
    deadlineMs = 5000,
  ): Promise<{ error: ServiceError | null; response: GetInNetworkPostsResponse__Output | undefined }> {
    return new Promise((resolve) =>
      this.client.GetInNetworkPosts(request, { deadline: Date.now() + deadlineMs }, (error, response) =>
        resolve({ error, response }),
      ),
    );
  }

  async metrics(): Promise<string> {
    return (await fetch(`${this.httpUrl}/metrics`)).text();
  }

  /** Sends `signal` and resolves with the exit code (null when killed by a signal). */
  async stop(signal: NodeJS.Signals): Promise<number | null> {
    this.client.close();
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill(signal);
    }
    return this.exited;
  }
}
