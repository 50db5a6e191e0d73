import { DEFAULT_OUTBOX_STREAM, SIDE_EFFECT_QUEUE } from '@foryou/async-work';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { PrivateRedis } from '../../../thunder/test/support/redis-server';
import { eventually, WorkersProcess } from './workers-process';

/** What `settled` waits for: the backlog empty and exactly these final job counts. */
export interface Settled {
  readonly completed: number;
  /** Unset: failed jobs are not part of the condition (the test asserts them itself). */
  readonly failed?: number;
}

/**
 * One private redis-server (AOF, appendfsync always) for a spec file, a connection to its feed state
 * (`foryou:` prefix), the side-effect queue, and the workers processes the spec spawns — so each spec
 * states only its scenario.
 */
export class WorkersBed {
  private readonly _workers: WorkersProcess[] = [];

  private constructor(
    readonly server: PrivateRedis,
    readonly redis: Redis,
    readonly queue: Queue,
    private readonly _baseEnv: Readonly<Record<string, string>>,
  ) {}

  /** `baseEnv` is added to every workers process of the spec (before each spawn's own env). */
  static async start(baseEnv: Readonly<Record<string, string>> = {}): Promise<WorkersBed> {
    const server = await PrivateRedis.start();
    const redis = new Redis(server.url, { keyPrefix: 'foryou:', maxRetriesPerRequest: null });
    const queue = new Queue(SIDE_EFFECT_QUEUE, {
      connection: { url: server.url, maxRetriesPerRequest: null },
      prefix: 'foryou-bull',
    });
    return new WorkersBed(server, redis, queue, baseEnv);
  }

  async spawn(env: Readonly<Record<string, string>> = {}): Promise<WorkersProcess> {
    const w = await WorkersProcess.spawn(this.server.url, { ...this._baseEnv, ...env });
    this._workers.push(w);
    return w;
  }

  /** Waits until the outbox is relayed, no job is waiting, active or delayed, and the counts match. */
  async settled(expected: Settled, what = 'outbox and queue drained'): Promise<void> {
    await eventually(async () => {
      const c = await this.queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed');
      return (
        (await this.redis.xlen(DEFAULT_OUTBOX_STREAM)) === 0 &&
        c['waiting'] === 0 &&
        c['active'] === 0 &&
        c['delayed'] === 0 &&
        c['completed'] === expected.completed &&
        (expected.failed === undefined || c['failed'] === expected.failed)
      );
    }, what);
  }

  /** Ends every spawned process: SIGKILL, or SIGTERM with `graceful` (active jobs finish first). */
  async stopWorkers(graceful = false): Promise<void> {
    await Promise.all(this._workers.splice(0).map((w) => (graceful ? w.stop() : w.kill())));
  }

  /** Ends every spawned process and empties Redis (between tests). */
  async reset(graceful = false): Promise<void> {
    await this.stopWorkers(graceful);
    await this.redis.flushall();
  }

  async close(): Promise<void> {
    await this.queue.close();
    this.redis.disconnect();
    await this.server.stop();
  }
}
