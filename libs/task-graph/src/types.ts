import type { RedisOptions } from 'ioredis';

/** Lifecycle of one task inside one graph (stored in Redis, see README "State machine"). */
export type TaskState =
  | 'pending' // waiting for dependencies
  | 'queued' // all dependencies succeeded; a BullMQ job exists or will be (re)created
  | 'running' // claimed by a worker
  | 'succeeded'
  | 'failed'
  | 'skipped'
  | 'expired'
  | 'cancelled';

/** Terminal statuses of a graph. `rejected` graphs were never admitted (see {@link GraphRejectedError}). */
export type FinalGraphStatus =
  'succeeded' | 'partially_failed' | 'failed' | 'rejected' | 'expired' | 'cancelled';

export type GraphStatus = 'running' | FinalGraphStatus;

/** What a handler receives for one attempt of one task. */
export interface TaskInput<P> {
  readonly graphId: string;
  readonly taskId: string;
  /** 1-based; counts every started attempt of this task, including ones interrupted by a worker loss. */
  readonly attempt: number;
  /** The `result` of every dependency (all of them succeeded), keyed by dependency id, as JSON round-tripped. */
  readonly depResults: Readonly<Record<string, unknown>>;
  /** The graph payload given to `submit()`, as JSON round-tripped. */
  readonly payload: P;
  /**
   * Fires when the task's `deadlineMs` elapses (reason: {@link TaskDeadlineError}) or when the executor is
   * force-closed. The executor stops waiting at that moment and records the attempt as failed; it cannot stop
   * code that ignores the signal.
   */
  readonly signal: AbortSignal;
}

/**
 * A handler's verdict. `result` must be JSON-serialisable (it is stored in Redis and handed to dependents);
 * `resultVersion` names what produced it (model/prompt version) and is recorded with the attempt.
 * `skipped` is a deliberate, successful "nothing to do": dependents are skipped too.
 */
export type TaskOutcome =
  | { readonly status: 'succeeded'; readonly result: unknown; readonly resultVersion: string }
  | { readonly status: 'skipped'; readonly reason: string };

/**
 * Runs one attempt. Throwing (or rejecting) fails the attempt; it is retried while the graph's retry budget
 * lasts unless the error is a {@link PermanentTaskError}. Handlers must be idempotent: delivery is
 * at-least-once (README "Guarantees").
 */
export type TaskHandler<P> = (input: TaskInput<P>) => Promise<TaskOutcome>;

export interface TaskDefinition<P> {
  /** `[A-Za-z0-9_-]{1,64}`; unique within the plan. */
  readonly id: string;
  /** Ids of tasks that must succeed before this one is enqueued. */
  readonly deps: readonly string[];
  /** Name of a pool configured on the executor. */
  readonly pool: string;
  /** Per-attempt deadline in ms (> 0). */
  readonly deadlineMs: number;
  /** Optional per-task cap on started attempts (≥ 1); the graph retry budget always applies as well. */
  readonly maxAttempts?: number;
  readonly handler: TaskHandler<P>;
}

/** A named DAG. Validated by `registerPlan()` before anything can be submitted. */
export interface PlanDefinition<P> {
  /** `[A-Za-z0-9_-]{1,64}`. */
  readonly name: string;
  readonly tasks: readonly TaskDefinition<P>[];
  /** Overrides the executor's `retryBudget` for graphs of this plan. */
  readonly retryBudget?: number;
  /** Default whole-graph deadline (ms from acceptance); `submit()` may override it. */
  readonly graphDeadlineMs?: number;
}

export interface PoolOptions {
  /** Max attempts of this pool's tasks running at once in ONE executor process (BullMQ Worker concurrency). */
  readonly concurrency: number;
}

export interface BackoffOptions {
  /** Delay before the first retry, before jitter. */
  readonly baseMs: number;
  /** Upper bound of the exponential delay. */
  readonly capMs: number;
}

export interface TaskStartedEvent {
  readonly graphId: string;
  readonly plan: string;
  readonly taskId: string;
  readonly pool: string;
  readonly attempt: number;
  readonly queueWaitMs: number;
}

export interface TaskFinishedEvent extends TaskStartedEvent {
  /**
   * `expired`: the graph deadline had passed when the task was about to start; it did not run (`runMs` 0).
   * `failed` with `runMs` 0: a redelivered attempt (its worker was lost) found the retry budget exhausted.
   */
  readonly status: 'succeeded' | 'skipped' | 'failed' | 'expired';
  /** True when a failed attempt was re-queued (it consumed one retry of the graph budget). */
  readonly willRetry: boolean;
  readonly runMs: number;
  readonly reason?: string;
  readonly error?: string;
}

export interface GraphFinishedEvent {
  readonly graphId: string;
  readonly plan: string;
  readonly status: FinalGraphStatus;
  readonly durationMs: number;
}

export interface GraphRejectedEvent {
  readonly graphId: string;
  readonly plan: string;
  readonly inFlight: number;
  readonly limit: number;
}

/**
 * Hooks for metrics/logging (e.g. Prometheus counters and histograms labelled by plan, pool and status — never
 * by graph id). Called synchronously on the executor's path; exceptions thrown by hooks are swallowed.
 * Each event is emitted by exactly one executor process: the one whose state transition produced it.
 */
export interface TaskGraphObserver {
  taskStarted?(event: TaskStartedEvent): void;
  taskFinished?(event: TaskFinishedEvent): void;
  graphFinished?(event: GraphFinishedEvent): void;
  graphRejected?(event: GraphRejectedEvent): void;
  /** Infrastructure errors (Redis, BullMQ) that the executor handled or retried. */
  error?(error: unknown, context: string): void;
}

export interface TaskGraphExecutorOptions {
  /** ioredis options or a `redis://` URL. Do not set ioredis `keyPrefix`; use `prefix`. */
  readonly connection: RedisOptions | string;
  /** Namespace for every key (graph state and BullMQ queues). A trailing ':' is added if missing. */
  readonly prefix: string;
  /** Resource pools: one BullMQ queue and, after `start()`, one Worker each. Names `[A-Za-z0-9_-]{1,64}`. */
  readonly pools: Readonly<Record<string, PoolOptions>>;
  /** Admission bound shared by every executor on the prefix: graphs accepted and not yet finished. */
  readonly maxGraphsInFlight: number;
  /** Default number of retries (not attempts) all tasks of one graph may use together. */
  readonly retryBudget: number;
  /** Exponential backoff with jitter between attempts. Default `{ baseMs: 1000, capMs: 30000 }`. */
  readonly backoff?: BackoffOptions;
  readonly observer?: TaskGraphObserver;
  /** TTL applied to a graph's records once it finishes (and to rejection markers). Default 7 days. */
  readonly recordTtlSeconds?: number;
  /** Polling interval of `waitForGraph()`. Default 50 ms. */
  readonly pollIntervalMs?: number;
  /** BullMQ job lock duration: how long a crashed worker's task stays invisible. Default 30000 ms. */
  readonly lockDurationMs?: number;
  /** BullMQ stalled-job check interval. Default 30000 ms. */
  readonly stalledIntervalMs?: number;
}

export interface SubmitOptions {
  /** Whole-graph deadline in ms from acceptance; overrides the plan's `graphDeadlineMs`. */
  readonly deadlineMs?: number;
}

export interface StartOptions {
  /** Pools this process works on (default: all configured pools). */
  readonly pools?: readonly string[];
}

export interface CloseOptions {
  /**
   * Stop without waiting for running handlers (their signals are aborted and their state transitions are
   * NOT written): the tasks stay `running` and BullMQ redelivers them to another executor once their lock
   * expires — exactly what a crash looks like. Default false: wait for running attempts to finish.
   */
  readonly force?: boolean;
}

/** One started attempt (or a start prevented by the graph deadline). */
export interface AttemptRecord {
  readonly graphId: string;
  readonly taskId: string;
  readonly attempt: number;
  readonly deps: readonly string[];
  readonly pool: string;
  /** `interrupted`: the worker was lost mid-attempt; the task was redelivered. */
  readonly status: 'succeeded' | 'skipped' | 'failed' | 'expired' | 'interrupted';
  readonly willRetry: boolean;
  /** Enqueue (or retry eligibility) → start, Redis clock. */
  readonly queueWaitMs: number;
  /** Handler run time measured by the worker (for `interrupted`: start → detection of the loss). */
  readonly runMs: number;
  /** Redis-clock epoch ms. */
  readonly startedAt: number;
  readonly finishedAt: number;
  readonly resultVersion?: string;
  readonly reason?: string;
  readonly error?: string;
}

export interface TaskRecord {
  readonly taskId: string;
  readonly pool: string;
  readonly deps: readonly string[];
  readonly state: TaskState;
  /** Number of started attempts. */
  readonly attempts: number;
  readonly result?: unknown;
  readonly resultVersion?: string;
  /** Why the task ended as it did, e.g. `dependency_failed:classify`, `retry_budget_exhausted`. */
  readonly reason?: string;
  /** Last error message. */
  readonly error?: string;
  readonly enqueuedAt?: number;
  readonly startedAt?: number;
  readonly finishedAt?: number;
}

export interface GraphOutcome {
  readonly graphId: string;
  readonly plan: string;
  readonly status: FinalGraphStatus;
  readonly tasks: Readonly<Record<string, TaskState>>;
}

export interface GraphRecord {
  readonly graphId: string;
  readonly plan: string;
  readonly status: GraphStatus;
  /** Redis-clock epoch ms. */
  readonly createdAt: number;
  readonly finishedAt?: number;
  readonly deadlineAt?: number;
  readonly retryBudget: number;
  readonly retriesUsed: number;
  readonly cancelRequested: boolean;
  readonly rejectionReason?: string;
  readonly tasks: Readonly<Record<string, TaskRecord>>;
  /** Every attempt in the order the transitions happened. */
  readonly attempts: readonly AttemptRecord[];
}
