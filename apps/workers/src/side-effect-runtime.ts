import {
  crashBarrierFromEnv,
  JobRegistry,
  OutboxRelay,
  Quarantine,
  SIDE_EFFECT_QUEUE,
  SideEffectWorker,
  sideEffectJobOptions,
  DEFAULT_OUTBOX_STREAM,
  DEFAULT_RETRY_POLICY,
  defineJob,
  Outbox,
  type JobDefinition,
} from '@foryou/async-work';
import { ExperimentStore, migrate } from '@foryou/experiments-store';
import {
  experimentExposuresJob,
  experimentKillsJob,
  experimentOutcomesJob,
  FEED_JOBS,
  PRODUCED_JOB_TYPES,
  reconcileServedHistory,
} from '@foryou/feed-state';
import type { Logger } from '@foryou/telemetry';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { Pool } from 'pg';
import type { WorkerConfig } from './config/worker-config';
import type { WorkerStatus } from './http/http-server';
import { ExperimentMetrics } from './experiments/experiment-metrics';
import { WorkerMetrics } from './telemetry/worker-metrics';

/**
 * Everything one workers process runs: the outbox relay, the side-effect consumer, periodic
 * reconciliation, and the metrics that describe them. `start()` and `stop()` are the whole lifecycle.
 */
export class SideEffectRuntime {
  readonly metrics: WorkerMetrics;
  /** Experiment metrics (kills recorded here; the experiment monitor reports through them too). */
  readonly experimentMetrics: ExperimentMetrics;
  private readonly _state: Redis;
  private readonly _relayConn: Redis;
  private readonly _queue: Queue;
  private readonly _relay: OutboxRelay;
  private readonly _worker: SideEffectWorker;
  private readonly _outbox: Outbox;
  private _reconcileTimer: NodeJS.Timeout | undefined;
  private _running = false;

  /**
   * Opens what the runtime needs before it can take work: with `DATABASE_URL`, the experiments database
   * (migrated here, so boot fails with a clear message when Postgres is unreachable).
   */
  static async create(config: WorkerConfig, logger: Logger): Promise<SideEffectRuntime> {
    const pool = config.databaseUrl ? await openExperimentsDatabase(config.databaseUrl, logger) : undefined;
    return new SideEffectRuntime(config, logger, pool);
  }

  constructor(
    private readonly _config: WorkerConfig,
    private readonly _logger: Logger,
    /**
     * The migrated experiments database; without it `experiment-exposures.record` and
     * `experiment-outcomes.record` are not handled.
     */
    private readonly _experimentsDb?: Pool,
  ) {
    const store = _experimentsDb ? new ExperimentStore(_experimentsDb) : undefined;
    const jobs: readonly JobDefinition<unknown>[] = store
      ? [
          ...FEED_JOBS,
          defineJob(experimentExposuresJob(store)),
          defineJob(experimentOutcomesJob(store)),
          defineJob(
            experimentKillsJob(store, { recorded: (kill) => this.experimentMetrics.killRecorded(kill) }),
          ),
        ]
      : FEED_JOBS;
    const registry = new JobRegistry(jobs, _config.maxSchemaVersion);
    // Only what home-mixer always produces (a feed response's effects) is required; the exposure and
    // outcome jobs are optional (DATABASE_URL): without it their events are quarantined, replayable later.
    registry.assertHandles(PRODUCED_JOB_TYPES);
    this.metrics = new WorkerMetrics(
      new Map(jobs.map((d) => [d.type, { effect: d.effect, pipeline: d.pipeline }])),
    );
    this.experimentMetrics = new ExperimentMetrics(this.metrics.registry);
    const barrier = crashBarrierFromEnv();
    this._state = new Redis(_config.redisUrl, { keyPrefix: _config.redisKeyPrefix, maxRetriesPerRequest: 3 });
    this._relayConn = new Redis(_config.redisUrl, {
      keyPrefix: _config.redisKeyPrefix,
      maxRetriesPerRequest: null,
    });
    for (const conn of [this._state, this._relayConn]) {
      conn.on('error', (err: Error) => _logger.warn({ err: err.message }, 'redis error'));
    }
    const connection = { url: _config.redisUrl, maxRetriesPerRequest: null };
    this._queue = new Queue(SIDE_EFFECT_QUEUE, { connection, prefix: _config.queuePrefix });
    this._queue.on('error', (err) => _logger.warn({ err: err.message }, 'queue error'));
    const quarantine = new Quarantine(this._queue, this._state);
    this._outbox = new Outbox(this._state, DEFAULT_OUTBOX_STREAM);
    this._relay = new OutboxRelay({
      redis: this._relayConn,
      queue: this._queue,
      stream: DEFAULT_OUTBOX_STREAM,
      consumer: _config.workerId,
      claimIdleMs: _config.relayClaimIdleMs,
      jobOptions: sideEffectJobOptions({ ...DEFAULT_RETRY_POLICY, ..._config.retry }),
      barrier,
      observer: {
        relayed: (n) => this.metrics.relayed(n),
        relayError: (err) => {
          this.metrics.relayError();
          _logger.warn({ err: String(err) }, 'relay error');
        },
      },
    });
    this._worker = new SideEffectWorker({
      queueName: SIDE_EFFECT_QUEUE,
      connection,
      prefix: _config.queuePrefix,
      redis: this._state,
      registry,
      quarantine,
      concurrency: _config.concurrency,
      lockDurationMs: _config.lockDurationMs,
      stalledIntervalMs: _config.stalledIntervalMs,
      barrier,
      observer: {
        finished: (job, outcome, run, since) => this.metrics.finished(job, outcome, run, since),
        attemptFailed: (type, classification, willRetry, reason) => {
          this.metrics.attemptFailed(type, classification, willRetry, reason);
          _logger.warn({ type, classification, will_retry: willRetry, reason }, 'job attempt failed');
        },
      },
    });
    this.metrics.observeBacklog(async () => {
      const [counts, outboxPending, outboxAgeMs, oldest] = await Promise.all([
        this._queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized'),
        this._outbox.length(),
        this._outbox.oldestAgeMs(),
        this._queue.getJobs(['waiting', 'delayed', 'prioritized'], 0, 0, true),
      ]);
      const oldestTs = oldest[0]?.timestamp;
      return {
        queue: SIDE_EFFECT_QUEUE,
        counts: {
          waiting: counts['waiting'] ?? 0,
          active: counts['active'] ?? 0,
          delayed: counts['delayed'] ?? 0,
          failed: counts['failed'] ?? 0,
          prioritized: counts['prioritized'] ?? 0,
        },
        outboxPending,
        oldestOutboxAgeSeconds: outboxAgeMs / 1000,
        oldestQueuedAgeSeconds: oldestTs ? Math.max(0, Date.now() - oldestTs) / 1000 : 0,
      };
    });
  }

  /** The migrated experiments database (DATABASE_URL), for the experiment monitor; closed by `stop()`. */
  get experimentsDb(): Pool | undefined {
    return this._experimentsDb;
  }

  start(): void {
    this._relay.start();
    this._worker.start();
    this._running = true;
    const { intervalMs } = this._config.reconcile;
    if (intervalMs > 0) {
      this._reconcileTimer = setInterval(() => void this.reconcileOnce(), intervalMs);
      this._reconcileTimer.unref();
    }
  }

  async status(): Promise<WorkerStatus> {
    const relay = this._running ? 'running' : 'stopped';
    const consumer = this._running ? 'running' : 'stopped';
    try {
      await this._state.ping();
    } catch (err) {
      return { ready: false, reason: `redis unreachable: ${(err as Error).message}`, relay, consumer };
    }
    return this._running
      ? { ready: true, relay, consumer }
      : { ready: false, reason: 'stopped', relay, consumer };
  }

  /** One reconciliation pass (also run on a timer); never throws. */
  async reconcileOnce(): Promise<void> {
    const { windowMs, graceMs, maxRepairsPerSecond } = this._config.reconcile;
    try {
      const report = await reconcileServedHistory(this._state, {
        windowMs,
        graceMs,
        maxRepairsPerSecond,
        dryRun: false,
      });
      this.metrics.reconciled(report);
      this._logger.info(
        {
          scanned_items: report.scannedItems,
          missing_items: report.missingItems,
          repaired_requests: report.repairedRequests,
          trimmed_items: report.trimmedItems,
          ms: report.durationMs,
        },
        'served history reconciled',
      );
    } catch (err) {
      this.metrics.reconciled(undefined);
      this._logger.error({ err }, 'reconciliation failed');
    }
  }

  /** Stops taking work, lets active jobs finish, then closes every connection. */
  async stop(): Promise<void> {
    this._running = false;
    clearInterval(this._reconcileTimer);
    await this._relay.stop();
    await this._worker.close();
    await this._queue.close();
    this._state.disconnect();
    await this._experimentsDb?.end();
  }
}

/** A pool on the experiments database, migrated; rejects (and closes the pool) when that fails. */
async function openExperimentsDatabase(url: string, logger: Logger): Promise<Pool> {
  const pool = new Pool({ connectionString: url, connectionTimeoutMillis: 5000 });
  // An idle client's connection dropping must not crash the process; queries on it fail and are retried.
  pool.on('error', (err) => logger.warn({ err: err.message }, 'experiments database error'));
  try {
    const report = await migrate(pool);
    logger.info({ applied: report.applied }, 'experiments database migrated');
    return pool;
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw new Error(
      `experiments database (DATABASE_URL ${redactPassword(url)}) is unreachable or cannot be migrated: ${
        err instanceof Error ? err.message : String(err)
      }`,
      { cause: err },
    );
  }
}

function redactPassword(url: string): string {
  const u = new URL(url);
  if (u.password) {
    u.password = '***';
  }
  return u.toString();
}
