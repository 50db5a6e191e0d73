import { postEventStreamKey } from '@foryou/contracts';
import { TaskGraphExecutor, type BackoffOptions } from '@foryou/task-graph';
import type { Logger, OpenMetricsRegistry } from '@foryou/telemetry';
import { generateWorld } from '@foryou/world';
import { Redis } from 'ioredis';
import type { WorkerConfig } from '../config/worker-config';
import type { WorkerStatus } from '../http/http-server';
import { contentEventHandler } from './content-events';
import { CONTENT_PLAN, contentPlan } from './content-plan';
import { WorldContentSource, type ContentSource } from './content-source';
import { ContentStore } from './content-store';
import { GroxMetrics, type GroxBacklog } from './grox-metrics';
import { PostEventConsumer } from './post-event-consumer';

export interface GroxRuntimeOptions {
  readonly redisUrl: string;
  /** REDIS_KEY_PREFIX: the post-event streams and the content:<postId> hashes live under it. */
  readonly keyPrefix: string;
  /** Task-graph executor prefix (graph state + BullMQ queues). */
  readonly executorPrefix: string;
  readonly partitions: number;
  readonly consumerGroup: string;
  /** Stable across restarts, so a restarted process re-reads its own unacknowledged entries at once. */
  readonly consumerName: string;
  readonly pools: { readonly network: number; readonly cpu: number };
  readonly maxGraphsInFlight: number;
  readonly retryBudget: number;
  readonly readBatch: number;
  readonly rejectRetryMs: number;
  readonly claimIdleMs: number;
  readonly recordTtlSeconds: number;
  /** XREADGROUP BLOCK time. Default 1000 ms. */
  readonly blockMs?: number;
  readonly lockDurationMs?: number;
  readonly stalledIntervalMs?: number;
  readonly backoff?: BackoffOptions;
}

export interface GroxStatus {
  readonly ready: boolean;
  readonly reason?: string;
}

/**
 * Grox content understanding in the workers process: a TaskGraphExecutor running the content plan on
 * its `network` and `cpu` pools, and a PostEventConsumer (consumer group `grox`) that turns post
 * events into graphs, holding entries back (unacknowledged) while the waiting room is full.
 * Metrics go to the registry it is given (the workers'). `start()` / `stop()` are the lifecycle.
 */
export class GroxRuntime {
  readonly executor: TaskGraphExecutor;
  readonly metrics: GroxMetrics;
  readonly store: ContentStore;
  private readonly _commands: Redis;
  private readonly _consumer: PostEventConsumer;
  private readonly _keys: readonly string[];
  private readonly _inflightKey: string;
  private _state: 'created' | 'running' | 'stopping' | 'stopped' = 'created';

  constructor(
    private readonly _o: GroxRuntimeOptions,
    source: ContentSource,
    registry: OpenMetricsRegistry,
    private readonly _logger: Logger,
  ) {
    this.metrics = new GroxMetrics(registry, [CONTENT_PLAN]);
    const executorPrefix = _o.executorPrefix.endsWith(':') ? _o.executorPrefix : `${_o.executorPrefix}:`;
    this._inflightKey = `${executorPrefix}graphs:inflight`;
    this._keys = Array.from({ length: _o.partitions }, (_, p) => postEventStreamKey(_o.keyPrefix, p));
    // No keyPrefix on either connection: stream and content keys are built in full (XGROUP ignores it).
    this._commands = new Redis(_o.redisUrl, { maxRetriesPerRequest: 3 });
    const reader = new Redis(_o.redisUrl, { maxRetriesPerRequest: null });
    for (const conn of [this._commands, reader]) {
      conn.on('error', (err: Error) => _logger.warn({ err: err.message }, 'grox redis error'));
    }
    this.store = new ContentStore(this._commands, _o.keyPrefix);
    this.executor = new TaskGraphExecutor({
      connection: _o.redisUrl,
      prefix: executorPrefix,
      pools: { network: { concurrency: _o.pools.network }, cpu: { concurrency: _o.pools.cpu } },
      maxGraphsInFlight: _o.maxGraphsInFlight,
      retryBudget: _o.retryBudget,
      backoff: _o.backoff ?? { baseMs: 500, capMs: 10_000 },
      recordTtlSeconds: _o.recordTtlSeconds,
      ...(_o.lockDurationMs === undefined ? {} : { lockDurationMs: _o.lockDurationMs }),
      ...(_o.stalledIntervalMs === undefined ? {} : { stalledIntervalMs: _o.stalledIntervalMs }),
      observer: {
        taskStarted: (e) => this.metrics.taskStarted(e),
        taskFinished: (e) => {
          this.metrics.taskFinished(e);
          if (e.status === 'failed') {
            _logger.warn(
              {
                graph_id: e.graphId,
                task: e.taskId,
                attempt: e.attempt,
                will_retry: e.willRetry,
                reason: e.reason,
                err: e.error,
              },
              'grox task attempt failed',
            );
          }
        },
        graphFinished: (e) => this.metrics.graphFinished(e),
        graphRejected: (e) => this.metrics.graphRejected(e),
        error: (err, context) => {
          this.metrics.error(err, context);
          _logger.warn(
            { context, err: err instanceof Error ? err.message : String(err) },
            'grox executor error',
          );
        },
      },
    });
    this.executor.registerPlan(contentPlan({ source, store: this.store }));
    this._consumer = new PostEventConsumer({
      reader,
      commands: this._commands,
      keys: this._keys,
      group: _o.consumerGroup,
      consumer: _o.consumerName,
      readBatch: _o.readBatch,
      blockMs: _o.blockMs ?? 1000,
      deferPauseMs: _o.rejectRetryMs,
      claimIdleMs: _o.claimIdleMs,
      logger: _logger,
      onError: (err) => this.metrics.error(err, 'consumer'),
      handle: contentEventHandler({
        executor: this.executor,
        store: this.store,
        source,
        logger: _logger,
        count: (type, outcome) => this.metrics.event(type, outcome),
      }),
    });
    this.metrics.observeBacklog(() => this.backlog());
  }

  /** Stream keys consumed, index = partition. */
  get streamKeys(): readonly string[] {
    return this._keys;
  }

  /** Starts the pool workers (recovering in-flight graphs), then the consumer. */
  async start(): Promise<void> {
    if (this._state !== 'created') {
      return;
    }
    await this.executor.start();
    this._consumer.start();
    this._state = 'running';
    this._logger.info(
      {
        partitions: this._o.partitions,
        group: this._o.consumerGroup,
        pools: this._o.pools,
        max_graphs_in_flight: this._o.maxGraphsInFlight,
      },
      'grox started',
    );
  }

  /** Stops reading, lets running task attempts finish, then closes every connection. Idempotent. */
  async stop(): Promise<void> {
    if (this._state === 'stopping' || this._state === 'stopped') {
      return;
    }
    this._state = 'stopping';
    await this._consumer.stop();
    await this.executor.close();
    await this._commands.quit().catch(() => this._commands.disconnect());
    this._state = 'stopped';
  }

  /** Readiness contribution: running, consumer loop alive, Redis reachable. */
  async status(): Promise<GroxStatus> {
    if (this._state !== 'running') {
      return { ready: false, reason: `grox ${this._state}` };
    }
    if (!this._consumer.running) {
      return { ready: false, reason: 'grox consumer stopped' };
    }
    try {
      await this._commands.ping();
    } catch (err) {
      return { ready: false, reason: `grox redis unreachable: ${(err as Error).message}` };
    }
    return { ready: true };
  }

  /** Waiting-room occupancy and per-partition group lag / pending, for the gauges. */
  private async backlog(): Promise<GroxBacklog> {
    const pipeline = this._commands.pipeline();
    pipeline.scard(this._inflightKey);
    for (const key of this._keys) {
      pipeline.call('XINFO', 'GROUPS', key);
    }
    const replies = (await pipeline.exec()) ?? [];
    const inFlight = replies[0]?.[1];
    const partitions = this._keys.map((_, p) => {
      const [err, raw] = replies[p + 1] ?? [null, null];
      const group = err || !Array.isArray(raw) ? undefined : findGroup(raw, this._o.consumerGroup);
      return group ?? { lag: undefined, pending: 0 };
    });
    return { graphsInFlight: typeof inFlight === 'number' ? inFlight : 0, partitions };
  }
}

/** The named group's `lag` (null when Redis cannot compute it) and `pending` from an XINFO GROUPS reply. */
function findGroup(
  groups: readonly unknown[],
  name: string,
): { lag: number | undefined; pending: number } | undefined {
  for (const g of groups) {
    if (!Array.isArray(g)) {
      continue;
    }
    const field = (f: string): unknown => g[g.indexOf(f) + 1];
    if (field('name') === name) {
      const lag = field('lag');
      const pending = field('pending');
      return {
        lag: typeof lag === 'number' ? lag : undefined,
        pending: typeof pending === 'number' ? pending : 0,
      };
    }
  }
  return undefined;
}

/** Builds the runtime from the workers' configuration; generates the configured world (the post store). */
export function createGroxRuntime(
  config: WorkerConfig,
  registry: OpenMetricsRegistry,
  logger: Logger,
): GroxRuntime {
  const g = config.grox;
  const started = performance.now();
  const world = generateWorld({ seed: g.world.seed, scale: g.world.scale });
  logger.info(
    { world: world.version, posts: world.posts.size, ms: Math.round(performance.now() - started) },
    'grox world generated',
  );
  return new GroxRuntime(
    {
      redisUrl: config.redisUrl,
      keyPrefix: config.redisKeyPrefix,
      executorPrefix: g.prefix,
      partitions: g.partitions,
      consumerGroup: g.consumerGroup,
      consumerName: config.workerId,
      pools: g.pools,
      maxGraphsInFlight: g.maxGraphsInFlight,
      retryBudget: g.retryBudget,
      readBatch: g.readBatch,
      rejectRetryMs: g.rejectRetryMs,
      claimIdleMs: g.claimIdleMs,
      recordTtlSeconds: g.recordTtlSeconds,
      lockDurationMs: config.lockDurationMs,
      stalledIntervalMs: config.stalledIntervalMs,
    },
    new WorldContentSource(world),
    registry,
    logger,
  );
}

/** The workers' readiness with Grox's folded in (Grox disabled: unchanged). */
export function withGroxStatus(base: WorkerStatus, grox: GroxStatus | undefined): WorkerStatus {
  if (grox === undefined || grox.ready) {
    return base;
  }
  const reason = [base.reason, grox.reason].filter((r) => r !== undefined).join('; ');
  return { ...base, ready: false, ...(reason === '' ? {} : { reason }) };
}
