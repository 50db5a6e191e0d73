import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { Queue, Worker, type Job, type JobsOptions } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import { backoffDelayMs } from './backoff';
import {
  GraphConflictError,
  GraphNotFoundError,
  GraphRejectedError,
  GraphValidationError,
  GraphWaitTimeoutError,
  PermanentTaskError,
  TaskDeadlineError,
} from './errors';
import { SCRIPTS, readyTasks, type ReadyTask } from './scripts';
import type {
  AttemptRecord,
  BackoffOptions,
  CloseOptions,
  FinalGraphStatus,
  GraphOutcome,
  GraphRecord,
  GraphStatus,
  PlanDefinition,
  StartOptions,
  SubmitOptions,
  TaskDefinition,
  TaskFinishedEvent,
  TaskGraphExecutorOptions,
  TaskGraphObserver,
  TaskOutcome,
  TaskRecord,
  TaskState,
} from './types';
import { ID_PATTERN, assertValidPlan, dependentsOf } from './validate';

/** Payload of every BullMQ job: a pointer into the Redis graph state, never the task's data. */
interface JobData {
  readonly graphId: string;
  readonly taskId: string;
  /** Which (re)queueing of the task this job carries; part of the job id. */
  readonly seq: number;
  readonly plan: string;
}

type Finish =
  | { readonly outcome: 'succeeded'; readonly resultJson: string; readonly resultVersion: string }
  | { readonly outcome: 'skipped'; readonly reason: string }
  | { readonly outcome: 'failed'; readonly error: string; readonly retryable: boolean };

const FINAL: ReadonlySet<string> = new Set<FinalGraphStatus>([
  'succeeded',
  'partially_failed',
  'failed',
  'rejected',
  'expired',
  'cancelled',
]);

const JOB_OPTIONS: JobsOptions = {
  // Job-level retries only cover infrastructure errors (Redis down during claim/finish); handler failures
  // are retried by the graph state machine under the graph's retry budget.
  attempts: 10,
  backoff: { type: 'exponential', delay: 500 },
  removeOnComplete: { age: 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

/** `<graphId>.<taskId>.<seq>`: deterministic, no ':' and never an integer (ids are `[A-Za-z0-9_-]`). */
export function taskJobId(graphId: string, taskId: string, seq: number): string {
  return `${graphId}.${taskId}.${seq}`;
}

/**
 * A durable DAG executor on BullMQ + Redis (README.md has the full contract).
 *
 * - One BullMQ queue per resource pool; `start()` creates one Worker per pool with the pool's concurrency.
 * - A task is enqueued only after all its dependencies succeeded; readiness, retries, skips, failures and the
 *   graph's final status are decided by atomic Lua transitions on Redis hashes, so any executor process on
 *   the same prefix can continue any graph, and a duplicate or stale job never re-runs a settled task.
 * - Task jobs are delivered at least once: a handler can run again if its worker dies before the attempt's
 *   transition is written. Handlers must be idempotent.
 */
export class TaskGraphExecutor {
  private readonly prefix: string;
  private readonly bullPrefix: string;
  private readonly inflightKey: string;
  private readonly redis: Redis;
  private readonly workerRedis: Redis;
  private readonly queues = new Map<string, Queue<JobData, void, string>>();
  private readonly workers: Worker<JobData, void, string>[] = [];
  private readonly plans = new Map<string, PlanDefinition<unknown>>();
  private readonly dependents = new Map<string, Map<string, string[]>>();
  private readonly running = new Map<string, AbortController>();
  private readonly backoff: BackoffOptions;
  private readonly observer: TaskGraphObserver;
  private readonly recordTtlSeconds: number;
  private readonly pollIntervalMs: number;
  private started = false;
  private closing = false;
  private forced = false;
  private closed?: Promise<void>;

  constructor(private readonly options: TaskGraphExecutorOptions) {
    const poolNames = Object.keys(options.pools);
    if (poolNames.length === 0) {
      throw new RangeError('at least one pool is required');
    }
    const badPools = poolNames.filter((p) => !ID_PATTERN.test(p));
    if (badPools.length > 0) {
      throw new GraphValidationError(
        'executor pools',
        badPools.map((id) => ({ kind: 'invalid_id', what: 'pool', id })),
      );
    }
    for (const [name, pool] of Object.entries(options.pools)) {
      if (!Number.isInteger(pool.concurrency) || pool.concurrency < 1) {
        throw new RangeError(`pool '${name}' concurrency must be a positive integer`);
      }
    }
    if (!Number.isInteger(options.maxGraphsInFlight) || options.maxGraphsInFlight < 1) {
      throw new RangeError('maxGraphsInFlight must be a positive integer');
    }
    if (!Number.isInteger(options.retryBudget) || options.retryBudget < 0) {
      throw new RangeError('retryBudget must be a non-negative integer');
    }
    this.prefix = options.prefix.endsWith(':') ? options.prefix : `${options.prefix}:`;
    this.bullPrefix = `${this.prefix}bull`;
    this.inflightKey = `${this.prefix}graphs:inflight`;
    this.backoff = options.backoff ?? { baseMs: 1000, capMs: 30_000 };
    this.observer = options.observer ?? {};
    this.recordTtlSeconds = options.recordTtlSeconds ?? 7 * 24 * 3600;
    this.pollIntervalMs = options.pollIntervalMs ?? 50;
    this.redis = this.connect({});
    // BullMQ requires maxRetriesPerRequest: null on connections handed to Workers.
    this.workerRedis = this.connect({ maxRetriesPerRequest: null });
    for (const pool of poolNames) {
      this.queue(pool);
    }
  }

  /**
   * Validates and registers a plan (throws {@link GraphValidationError}; nothing is registered then). Every
   * executor process that works on a plan's pools must register the plan under the same name.
   */
  registerPlan<P>(plan: PlanDefinition<P>): void {
    if (this.plans.has(plan.name)) {
      throw new GraphValidationError(`plan '${plan.name}'`, [{ kind: 'duplicate_plan', plan: plan.name }]);
    }
    assertValidPlan(plan, Object.keys(this.options.pools));
    if (plan.retryBudget !== undefined && (!Number.isInteger(plan.retryBudget) || plan.retryBudget < 0)) {
      throw new RangeError(`plan '${plan.name}' retryBudget must be a non-negative integer`);
    }
    this.plans.set(plan.name, plan as unknown as PlanDefinition<unknown>);
    this.dependents.set(plan.name, dependentsOf(plan));
  }

  /**
   * Creates the pool Workers (all pools, or `options.pools`) and re-enqueues every queued task of every
   * in-flight graph on the prefix (idempotent; recovers tasks whose enqueue was lost in a crash).
   */
  async start(options: StartOptions = {}): Promise<void> {
    this.assertOpen();
    if (this.started) {
      return;
    }
    const pools = options.pools ?? Object.keys(this.options.pools);
    const unknown = pools.filter((pool) => this.options.pools[pool] === undefined);
    if (unknown.length > 0) {
      throw new GraphValidationError(
        'start options',
        unknown.map((pool) => ({ kind: 'unknown_pool', taskId: '*', pool })),
      );
    }
    this.started = true;
    for (const pool of pools) {
      const concurrency = this.options.pools[pool]?.concurrency ?? 1;
      const worker = new Worker<JobData, void, string>(pool, (job) => this.process(pool, job), {
        connection: this.workerRedis,
        prefix: this.bullPrefix,
        concurrency,
        lockDuration: this.options.lockDurationMs ?? 30_000,
        stalledInterval: this.options.stalledIntervalMs ?? 30_000,
        // Redelivery limits are enforced by the graph's retry budget (see CLAIM), not by BullMQ.
        maxStalledCount: 1000,
      });
      worker.on('error', (error) => this.report(error, `worker:${pool}`));
      this.workers.push(worker);
    }
    const graphIds = await this.redis.smembers(this.inflightKey);
    for (const graphId of graphIds) {
      await this.kick(graphId);
    }
  }

  /**
   * Durably accepts graph `graphId` of plan `planName` and enqueues its root tasks; resolves once both are
   * done. Idempotent per graph id: re-submitting an accepted graph (same plan) re-enqueues its queued tasks
   * and resolves without creating anything (the payload is not compared).
   * @throws GraphValidationError unknown plan / invalid graph id; GraphRejectedError waiting room full;
   *   GraphConflictError the id belongs to another plan.
   */
  async submit<P>(planName: string, graphId: string, payload: P, options: SubmitOptions = {}): Promise<void> {
    this.assertOpen();
    const plan = this.plans.get(planName);
    if (plan === undefined) {
      throw new GraphValidationError(`graph '${graphId}'`, [{ kind: 'unknown_plan', plan: planName }]);
    }
    if (!ID_PATTERN.test(graphId)) {
      throw new GraphValidationError(`graph '${graphId}'`, [
        { kind: 'invalid_id', what: 'graph', id: graphId },
      ]);
    }
    const payloadJson = JSON.stringify(payload ?? null);
    const deadlineMs = options.deadlineMs ?? plan.graphDeadlineMs ?? 0;
    const dependents = this.dependents.get(planName) ?? new Map<string, string[]>();
    const taskArgs = plan.tasks.flatMap((t) => [
      t.id,
      t.pool,
      JSON.stringify([...new Set(t.deps)]),
      JSON.stringify(dependents.get(t.id) ?? []),
      t.maxAttempts ?? 0,
    ]);
    const reply = await SCRIPTS.submit.run(this.redis, this.graphKeys(graphId), [
      graphId,
      planName,
      payloadJson,
      this.options.maxGraphsInFlight,
      plan.retryBudget ?? this.options.retryBudget,
      Math.max(0, Math.round(deadlineMs)),
      this.recordTtlSeconds,
      JSON.stringify(plan.tasks.map((t) => t.id)),
      ...taskArgs,
    ]);
    if (reply[0] === 'rejected') {
      const inFlight = Number(reply[1]);
      const limit = this.options.maxGraphsInFlight;
      this.notify(() => this.observer.graphRejected?.({ graphId, plan: planName, inFlight, limit }));
      throw new GraphRejectedError(graphId, inFlight, limit);
    }
    if (reply[0] === 'exists' && reply[2] !== planName) {
      throw new GraphConflictError(graphId, reply[2] ?? '');
    }
    await this.kick(graphId);
  }

  /**
   * Stops the graph's pending and queued tasks from ever running (they become `cancelled`); attempts
   * already running finish normally and their dependents stay cancelled. Returns the graph status after the
   * cancellation: a final status, or `running` while attempts are still running.
   * @throws GraphNotFoundError
   */
  async cancel(graphId: string): Promise<GraphStatus> {
    const reply = await SCRIPTS.cancel.run(this.redis, this.graphKeys(graphId), []);
    if (reply[0] === 'gone') {
      throw new GraphNotFoundError(graphId);
    }
    if (reply[0] === 'done') {
      return (reply[1] ?? 'running') as GraphStatus;
    }
    const final = reply[1] ?? '';
    if (final !== '') {
      await this.emitGraphFinished(graphId, final as FinalGraphStatus);
      return final as FinalGraphStatus;
    }
    return 'running';
  }

  /**
   * Resolves with the graph's outcome once it reaches a final status (bounded polling of the Redis state,
   * every `pollIntervalMs`); works from any process on the prefix.
   * @throws GraphNotFoundError no such graph; GraphWaitTimeoutError not final within `timeoutMs`.
   */
  async waitForGraph(graphId: string, timeoutMs: number): Promise<GraphOutcome> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const [status, plan, tasksJson] = await this.redis.hmget(
        this.graphKey(graphId),
        'status',
        'plan',
        'tasks',
      );
      if (status === null || status === undefined) {
        throw new GraphNotFoundError(graphId);
      }
      if (FINAL.has(status)) {
        const ids = JSON.parse(tasksJson ?? '[]') as string[];
        const pipeline = this.redis.pipeline();
        for (const id of ids) {
          pipeline.hget(this.taskKey(graphId, id), 'state');
        }
        const states = (await pipeline.exec()) ?? [];
        const tasks: Record<string, TaskState> = {};
        ids.forEach((id, i) => {
          tasks[id] = states[i]?.[1] as TaskState;
        });
        return { graphId, plan: plan ?? '', status: status as FinalGraphStatus, tasks };
      }
      if (Date.now() >= deadline) {
        throw new GraphWaitTimeoutError(graphId, timeoutMs);
      }
      await delay(Math.min(this.pollIntervalMs, Math.max(1, deadline - Date.now())));
    }
  }

  /** Every record of a graph: its state, each task's state and result, and every attempt. */
  async graph(graphId: string): Promise<GraphRecord> {
    const g = await this.redis.hgetall(this.graphKey(graphId));
    if (g.status === undefined) {
      throw new GraphNotFoundError(graphId);
    }
    const ids = JSON.parse(g.tasks ?? '[]') as string[];
    const pipeline = this.redis.pipeline();
    for (const id of ids) {
      pipeline.hgetall(this.taskKey(graphId, id));
    }
    pipeline.lrange(this.attemptsKey(graphId), 0, -1);
    const replies = (await pipeline.exec()) ?? [];
    const tasks: Record<string, TaskRecord> = {};
    ids.forEach((id, i) => {
      tasks[id] = toTaskRecord(id, (replies[i]?.[1] ?? {}) as Record<string, string>);
    });
    const rawAttempts = (replies[ids.length]?.[1] ?? []) as string[];
    const attempts = rawAttempts.map((raw) => toAttemptRecord(graphId, raw, tasks));
    return {
      graphId,
      plan: g.plan ?? '',
      status: g.status as GraphStatus,
      createdAt: Number(g.createdAt),
      finishedAt: optionalNumber(g.finishedAt),
      deadlineAt: optionalNumber(g.deadlineAt),
      retryBudget: Number(g.retryBudget ?? 0),
      retriesUsed: Number(g.retriesUsed ?? 0),
      cancelRequested: g.cancelRequested === '1',
      rejectionReason: g.status === 'rejected' ? g.reason : undefined,
      tasks,
      attempts,
    };
  }

  /**
   * Stops the Workers (waiting for running attempts unless `force`), then closes queues and connections.
   * Idempotent. State in Redis is untouched: another executor on the prefix continues every graph.
   */
  close(options: CloseOptions = {}): Promise<void> {
    if (this.closed === undefined) {
      this.closing = true;
      this.forced = options.force === true;
      this.closed = this.shutdown();
    }
    return this.closed;
  }

  private async shutdown(): Promise<void> {
    await Promise.allSettled(this.workers.map((w) => w.close(this.forced)));
    if (this.forced) {
      // Only now: the Workers no longer complete or fail jobs, so the abandoned jobs stay active until their
      // locks expire and BullMQ's stalled-job check redelivers them.
      for (const controller of this.running.values()) {
        controller.abort(new Error('executor closed'));
      }
    }
    await Promise.allSettled([...this.queues.values()].map((q) => q.close()));
    if (this.forced) {
      this.redis.disconnect();
      this.workerRedis.disconnect();
    } else {
      await Promise.allSettled([this.redis.quit(), this.workerRedis.quit()]);
    }
  }

  // ---- processing -------------------------------------------------------------------------------------

  private async process(pool: string, job: Job<JobData, void, string>): Promise<void> {
    const { graphId, taskId, seq, plan: planName } = job.data;
    const token = randomUUID();
    const claim = await SCRIPTS.claim.run(this.redis, this.graphKeys(graphId), [taskId, seq, token]);
    const kind = claim[0];
    if (kind === 'gone') {
      return;
    }
    if (kind === 'stale') {
      // Duplicate or outdated delivery: never re-run; make sure whatever is queued has its job.
      await this.kick(graphId);
      return;
    }
    if (kind === 'settled') {
      const [, state, final, attempt, queueWait, reason, error] = claim;
      // Settled without running: expired by the graph deadline, or failed because its previous (lost)
      // attempt exhausted the retry budget. A cancelled task produces no task event.
      if (state === 'expired' || state === 'failed') {
        this.notify(() =>
          this.observer.taskFinished?.({
            graphId,
            plan: planName,
            taskId,
            pool,
            attempt: Number(attempt),
            queueWaitMs: Number(queueWait),
            status: state,
            willRetry: false,
            runMs: 0,
            reason: reason || undefined,
            error: error || undefined,
          }),
        );
      }
      await this.afterTransition(graphId, final ?? '', []);
      return;
    }
    const [, attemptRaw, queueWaitRaw, storedPlan, payloadJson, depResultsJson] = claim;
    const attempt = Number(attemptRaw);
    const queueWaitMs = Number(queueWaitRaw);
    const plan = storedPlan ?? planName;
    const task = this.plans.get(plan)?.tasks.find((t) => t.id === taskId);
    const base = { graphId, plan, taskId, pool, attempt, queueWaitMs };
    this.notify(() => this.observer.taskStarted?.(base));
    const started = performance.now();
    const finish =
      task === undefined
        ? ({
            outcome: 'failed',
            error: `task '${taskId}' of plan '${plan}' is not registered in this executor`,
            retryable: false,
          } as const)
        : await this.runHandler(task, token, {
            graphId,
            taskId,
            attempt,
            depResults: JSON.parse(depResultsJson ?? '{}') as Record<string, unknown>,
            payload: JSON.parse(payloadJson ?? 'null') as unknown,
          });
    const runMs = Math.round((performance.now() - started) * 1000) / 1000;
    if (this.forced) {
      // Simulated crash: the transition is not written. Throwing (never completing the job) guarantees that
      // BullMQ redelivers it, by job retry or by the stalled-job check once the lock expires.
      throw new Error('executor force-closed; attempt abandoned');
    }
    const reply = await SCRIPTS.finish.run(this.redis, this.graphKeys(graphId), [
      taskId,
      token,
      finish.outcome,
      finish.outcome === 'succeeded' ? finish.resultJson : '',
      finish.outcome === 'succeeded' ? finish.resultVersion : '',
      finish.outcome === 'skipped' ? finish.reason : '',
      finish.outcome === 'failed' ? finish.error : '',
      finish.outcome === 'failed' && finish.retryable ? '1' : '0',
      backoffDelayMs(attempt, this.backoff),
      runMs,
    ]);
    if (reply[0] !== 'ok') {
      // Our run token was superseded (lock lost, task re-claimed) or this is a resent command whose first
      // execution already applied: discard this result, but make sure whatever is queued has its job.
      await this.kick(graphId);
      return;
    }
    const [, final, , , willRetry, reason] = reply;
    const event: TaskFinishedEvent = {
      ...base,
      status: finish.outcome,
      willRetry: willRetry === '1',
      runMs,
      reason: reason || undefined,
      error: finish.outcome === 'failed' ? finish.error : undefined,
    };
    this.notify(() => this.observer.taskFinished?.(event));
    await this.afterTransition(graphId, final ?? '', readyTasks(reply, 6), plan);
  }

  private async runHandler(
    task: TaskDefinition<unknown>,
    token: string,
    input: {
      graphId: string;
      taskId: string;
      attempt: number;
      depResults: Record<string, unknown>;
      payload: unknown;
    },
  ): Promise<Finish> {
    const controller = new AbortController();
    this.running.set(token, controller);
    const timer = setTimeout(
      () => controller.abort(new TaskDeadlineError(task.id, task.deadlineMs)),
      task.deadlineMs,
    );
    try {
      const outcome = await raceAbort(
        task.handler({ ...input, signal: controller.signal }),
        controller.signal,
      );
      return toFinish(outcome);
    } catch (error) {
      return { outcome: 'failed', error: describeError(error), retryable: !isPermanent(error) };
    } finally {
      clearTimeout(timer);
      this.running.delete(token);
    }
  }

  private async afterTransition(
    graphId: string,
    final: string,
    ready: readonly ReadyTask[],
    plan?: string,
  ): Promise<void> {
    if (ready.length > 0) {
      await this.enqueue(
        graphId,
        plan ?? (await this.redis.hget(this.graphKey(graphId), 'plan')) ?? '',
        ready,
      );
    }
    if (final !== '') {
      await this.emitGraphFinished(graphId, final as FinalGraphStatus);
    }
  }

  /** Ensures every queued task of the graph has its (deterministic-id) job. Idempotent. */
  private async kick(graphId: string): Promise<void> {
    const reply = await SCRIPTS.queued.run(this.redis, this.graphKeys(graphId), []);
    if (reply.length > 0) {
      await this.enqueue(graphId, reply[0] ?? '', readyTasks(reply, 1));
    }
  }

  private async enqueue(graphId: string, plan: string, ready: readonly ReadyTask[]): Promise<void> {
    await Promise.all(
      ready.map(({ taskId, pool, seq, delayMs }) =>
        this.queue(pool).add(
          `${plan}.${taskId}`,
          { graphId, taskId, seq, plan },
          {
            ...JOB_OPTIONS,
            jobId: taskJobId(graphId, taskId, seq),
            delay: delayMs > 0 ? delayMs : undefined,
          },
        ),
      ),
    );
  }

  private async emitGraphFinished(graphId: string, status: FinalGraphStatus): Promise<void> {
    const [plan, createdAt, finishedAt] = await this.redis.hmget(
      this.graphKey(graphId),
      'plan',
      'createdAt',
      'finishedAt',
    );
    const durationMs = Math.max(0, Number(finishedAt) - Number(createdAt));
    this.notify(() => this.observer.graphFinished?.({ graphId, plan: plan ?? '', status, durationMs }));
  }

  // ---- plumbing ---------------------------------------------------------------------------------------

  private queue(pool: string): Queue<JobData, void, string> {
    let queue = this.queues.get(pool);
    if (queue === undefined) {
      queue = new Queue<JobData, void, string>(pool, { connection: this.redis, prefix: this.bullPrefix });
      queue.on('error', (error) => this.report(error, `queue:${pool}`));
      this.queues.set(pool, queue);
    }
    return queue;
  }

  private connect(extra: RedisOptions): Redis {
    const { connection } = this.options;
    const client =
      typeof connection === 'string' ? new Redis(connection, extra) : new Redis({ ...connection, ...extra });
    client.on('error', (error) => this.report(error, 'redis'));
    return client;
  }

  private graphKey(graphId: string): string {
    return `${this.prefix}graph:${graphId}`;
  }

  private taskKey(graphId: string, taskId: string): string {
    return `${this.graphKey(graphId)}:task:${taskId}`;
  }

  private attemptsKey(graphId: string): string {
    return `${this.graphKey(graphId)}:attempts`;
  }

  private graphKeys(graphId: string): string[] {
    return [this.graphKey(graphId), this.inflightKey, this.attemptsKey(graphId)];
  }

  private assertOpen(): void {
    if (this.closing) {
      throw new Error('TaskGraphExecutor is closed');
    }
  }

  private notify(hook: () => void): void {
    try {
      hook();
    } catch {
      // observers must not break the executor
    }
  }

  private report(error: unknown, context: string): void {
    this.notify(() => this.observer.error?.(error, context));
  }
}

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(describeError(error)));
      },
    );
  });
}

function toFinish(outcome: TaskOutcome): Finish {
  const value = outcome as Partial<Record<string, unknown>> | null | undefined;
  if (value?.status === 'succeeded' && typeof value.resultVersion === 'string') {
    let resultJson: string | undefined;
    try {
      resultJson = JSON.stringify(value.result ?? null);
    } catch (error) {
      return {
        outcome: 'failed',
        error: `result is not JSON-serialisable: ${describeError(error)}`,
        retryable: false,
      };
    }
    return { outcome: 'succeeded', resultJson, resultVersion: value.resultVersion };
  }
  if (value?.status === 'skipped' && typeof value.reason === 'string') {
    return { outcome: 'skipped', reason: value.reason };
  }
  return { outcome: 'failed', error: 'handler returned an invalid outcome', retryable: false };
}

function isPermanent(error: unknown): boolean {
  return (
    error instanceof PermanentTaskError || (error instanceof Error && error.name === 'PermanentTaskError')
  );
}

function describeError(error: unknown): string {
  if (error instanceof Error) {
    return `${error.name}: ${error.message}`;
  }
  return typeof error === 'string' ? error : (JSON.stringify(error) ?? 'unknown error');
}

function optionalNumber(value: string | undefined): number | undefined {
  if (value === undefined || value === '' || value === '0') {
    return undefined;
  }
  return Number(value);
}

function toTaskRecord(taskId: string, h: Record<string, string>): TaskRecord {
  return {
    taskId,
    pool: h.pool ?? '',
    deps: JSON.parse(h.deps ?? '[]') as string[],
    state: (h.state ?? 'pending') as TaskState,
    attempts: Number(h.attempts ?? 0),
    result: h.result === undefined ? undefined : (JSON.parse(h.result) as unknown),
    resultVersion: h.resultVersion || undefined,
    reason: h.reason || undefined,
    error: h.error || undefined,
    enqueuedAt: optionalNumber(h.enqueuedAt),
    startedAt: optionalNumber(h.startedAt),
    finishedAt: optionalNumber(h.finishedAt),
  };
}

function toAttemptRecord(
  graphId: string,
  raw: string,
  tasks: Readonly<Record<string, TaskRecord>>,
): AttemptRecord {
  const r = JSON.parse(raw) as {
    taskId: string;
    attempt: number;
    status: AttemptRecord['status'];
    willRetry: boolean;
    queueWaitMs: number;
    runMs: number;
    startedAt: number;
    finishedAt: number;
    resultVersion: string;
    reason: string;
    error: string;
  };
  const task = tasks[r.taskId];
  return {
    graphId,
    taskId: r.taskId,
    attempt: r.attempt,
    deps: task?.deps ?? [],
    pool: task?.pool ?? '',
    status: r.status,
    willRetry: r.willRetry,
    queueWaitMs: r.queueWaitMs,
    runMs: r.runMs,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    resultVersion: r.resultVersion || undefined,
    reason: r.reason || undefined,
    error: r.error || undefined,
  };
}
