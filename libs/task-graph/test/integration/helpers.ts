import { setTimeout as delay } from 'node:timers/promises';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import {
  TaskGraphExecutor,
  type GraphFinishedEvent,
  type GraphRejectedEvent,
  type PlanDefinition,
  type TaskFinishedEvent,
  type TaskGraphExecutorOptions,
  type TaskHandler,
  type TaskStartedEvent,
} from '../../src';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A promise that a test opens explicitly. */
export class Gate {
  readonly promise: Promise<void>;
  private release!: () => void;

  constructor() {
    this.promise = new Promise<void>((resolve) => {
      this.release = resolve;
    });
  }

  open(): void {
    this.release();
  }
}

/** Resolves once `parties` callers arrived (or rejects when the caller's signal aborts first). */
export class Barrier {
  private arrived = 0;
  private readonly gate = new Gate();

  constructor(private readonly parties: number) {}

  async arrive(signal: AbortSignal): Promise<void> {
    this.arrived += 1;
    if (this.arrived >= this.parties) {
      this.gate.open();
    }
    await Promise.race([this.gate.promise, abortion(signal)]);
  }
}

/** Rejects with the signal's reason when it aborts (for handlers that honour their deadline). */
export function abortion(signal: AbortSignal): Promise<never> {
  return new Promise<never>((_, reject) => {
    const fail = (): void => reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    if (signal.aborted) {
      fail();
    } else {
      signal.addEventListener('abort', fail, { once: true });
    }
  });
}

/** Handler invocations per task (across executors in this process) and every observer event. */
export class Recorder {
  readonly calls = new Map<string, number>();
  readonly started: TaskStartedEvent[] = [];
  readonly finished: TaskFinishedEvent[] = [];
  readonly graphsFinished: GraphFinishedEvent[] = [];
  readonly rejected: GraphRejectedEvent[] = [];
  readonly errors: { error: unknown; context: string }[] = [];

  /** @param tolerateErrors infrastructure errors are expected (e.g. a forced close); otherwise none may occur */
  constructor(readonly tolerateErrors = false) {}

  count(graphId: string, taskId: string): number {
    return this.calls.get(`${graphId}/${taskId}`) ?? 0;
  }

  called(graphId: string, taskId: string): number {
    const n = this.count(graphId, taskId) + 1;
    this.calls.set(`${graphId}/${taskId}`, n);
    return n;
  }

  readonly observer = {
    taskStarted: (e: TaskStartedEvent): void => void this.started.push(e),
    taskFinished: (e: TaskFinishedEvent): void => void this.finished.push(e),
    graphFinished: (e: GraphFinishedEvent): void => void this.graphsFinished.push(e),
    graphRejected: (e: GraphRejectedEvent): void => void this.rejected.push(e),
    error: (error: unknown, context: string): void => {
      if (process.env.TG_DEBUG) {
        process.stderr.write(`observer error ${context}: ${String(error)}\n`);
      }
      this.errors.push({ error, context });
    },
  };
}

export type ContentPayload = { readonly postId: string };
export const CONTENT_TASKS = ['load', 'summarize', 'embed', 'classify', 'publish'] as const;
export type ContentTask = (typeof CONTENT_TASKS)[number];

/**
 * The book's content-understanding plan: load → summarize → (embed ∥ classify) → publish. Each handler
 * counts its invocation, then runs the override if given, else succeeds echoing its dependency results.
 */
export function contentPlan(
  recorder: Recorder,
  overrides: Partial<Record<ContentTask, TaskHandler<ContentPayload>>> = {},
  extra: Partial<Pick<PlanDefinition<ContentPayload>, 'name' | 'retryBudget' | 'graphDeadlineMs'>> & {
    maxAttempts?: Partial<Record<ContentTask, number>>;
    deadlineMs?: Partial<Record<ContentTask, number>>;
  } = {},
): PlanDefinition<ContentPayload> {
  const shape: Record<ContentTask, { deps: ContentTask[]; pool: string }> = {
    load: { deps: [], pool: 'network' },
    summarize: { deps: ['load'], pool: 'cpu' },
    embed: { deps: ['summarize'], pool: 'network' },
    classify: { deps: ['summarize'], pool: 'cpu' },
    publish: { deps: ['embed', 'classify'], pool: 'network' },
  };
  return {
    name: extra.name ?? 'content',
    retryBudget: extra.retryBudget,
    graphDeadlineMs: extra.graphDeadlineMs,
    tasks: CONTENT_TASKS.map((id) => ({
      id,
      deps: shape[id].deps,
      pool: shape[id].pool,
      deadlineMs: extra.deadlineMs?.[id] ?? 5000,
      maxAttempts: extra.maxAttempts?.[id],
      handler: async (input) => {
        recorder.called(input.graphId, id);
        const override = overrides[id];
        if (override !== undefined) {
          return override(input);
        }
        return Promise.resolve({
          status: 'succeeded' as const,
          result: { task: id, postId: input.payload.postId, deps: input.depResults },
          resultVersion: `${id}@v1`,
        });
      },
    })),
  };
}

/** Per-file namespace; every test gets its own sub-prefix so admission counts never leak between tests. */
export class Harness {
  readonly basePrefix: string;
  readonly redis: Redis;
  private n = 0;
  private readonly executors: TaskGraphExecutor[] = [];
  private readonly recorders = new Set<Recorder>();
  private readonly queues: Queue[] = [];

  constructor(name: string) {
    this.basePrefix = `tg-test-${process.pid}-${Date.now()}-${name}:`;
    this.redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  }

  nextPrefix(): string {
    this.n += 1;
    return `${this.basePrefix}${this.n}:`;
  }

  executor(
    prefix: string,
    recorder: Recorder,
    overrides: Partial<TaskGraphExecutorOptions> = {},
  ): TaskGraphExecutor {
    const executor = new TaskGraphExecutor({
      connection: REDIS_URL,
      prefix,
      pools: { network: { concurrency: 4 }, cpu: { concurrency: 1 } },
      maxGraphsInFlight: 10,
      retryBudget: 3,
      backoff: { baseMs: 5, capMs: 20 },
      pollIntervalMs: 10,
      observer: recorder.observer,
      ...overrides,
    });
    this.executors.push(executor);
    this.recorders.add(recorder);
    return executor;
  }

  /** A raw BullMQ queue on a pool of `prefix` (to inspect jobs or inject duplicate deliveries). */
  rawQueue(prefix: string, pool: string): Queue {
    const queue = new Queue(pool, { connection: { url: REDIS_URL }, prefix: `${prefix}bull` });
    this.queues.push(queue);
    return queue;
  }

  /** Closes everything the test created, then fails the test if an observer saw an unexpected error. */
  async closeExecutors(): Promise<void> {
    await Promise.all(this.executors.splice(0).map((e) => e.close()));
    await Promise.all(this.queues.splice(0).map((q) => q.close()));
    const errors = [...this.recorders].filter((r) => !r.tolerateErrors).flatMap((r) => r.errors);
    this.recorders.clear();
    if (errors.length > 0) {
      throw new Error(
        `observer reported errors: ${errors.map((e) => `${e.context}: ${String(e.error)}`).join('; ')}`,
      );
    }
  }

  async cleanup(): Promise<void> {
    await this.closeExecutors();
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${this.basePrefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) {
        await this.redis.del(...keys);
      }
    } while (cursor !== '0');
    await this.redis.quit();
  }
}

/** Bounded polling for a condition that the system reaches asynchronously (not a timing assertion). */
export async function eventually<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`condition not reached within ${timeoutMs} ms (last value ${JSON.stringify(value)})`);
    }
    await delay(10);
  }
}
