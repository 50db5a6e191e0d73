import type { ConsumerObserver, EffectOutcome, FailureClass, RelayObserver } from '@foryou/async-work';
import { createOpenMetricsRegistry, type OpenMetricsRegistry } from '@foryou/telemetry';
import { collectDefaultMetrics, Counter, Gauge, Histogram } from 'prom-client';

/** Point-in-time backlog figures, read from Redis at scrape time. */
export interface BacklogSnapshot {
  readonly queue: string;
  readonly counts: Readonly<Record<'waiting' | 'active' | 'delayed' | 'failed' | 'prioritized', number>>;
  readonly outboxPending: number;
  readonly oldestOutboxAgeSeconds: number;
  readonly oldestQueuedAgeSeconds: number;
}

export interface ReconcileFigures {
  readonly missingItems: number;
  readonly repairedRequests: number;
  readonly trimmedItems: number;
}

/**
 * Every metric the workers expose, in one place. Job-type and effect labels are bounded by the registry;
 * ids never become labels. Backlog gauges are read from Redis when Prometheus scrapes.
 */
export class WorkerMetrics implements ConsumerObserver, RelayObserver {
  readonly registry: OpenMetricsRegistry = createOpenMetricsRegistry();
  private _backlog: (() => Promise<BacklogSnapshot>) | undefined;
  private _lastBacklog: { atMs: number; value: Promise<BacklogSnapshot | undefined> } | undefined;

  private readonly _jobs = new Counter({
    name: 'foryou_async_jobs_total',
    help: 'Side-effect jobs by type and outcome: applied, duplicate (inbox hit), superseded, retried (an attempt failed and will be retried), quarantined.',
    labelNames: ['type', 'outcome'],
    registers: [this.registry],
  });
  private readonly _failures = new Counter({
    name: 'foryou_async_job_failures_total',
    help: 'Failed job attempts by type, classification (transient, permanent) and reason.',
    labelNames: ['type', 'classification', 'reason'],
    registers: [this.registry],
  });
  private readonly _sideEffects = new Counter({
    name: 'foryou_side_effects_total',
    help: 'Side effects applied by the workers (completed) or given up on (failed: quarantined).',
    labelNames: ['pipeline', 'effect', 'outcome'],
    registers: [this.registry],
  });
  private readonly _completion = new Histogram({
    name: 'foryou_side_effect_completion_seconds',
    help: 'Time from a side effect being durably accepted (outbox commit, before the response) to its effect being applied: the freshness SLI of served history (its read-your-writes lag).',
    labelNames: ['pipeline', 'effect'],
    buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 2, 5, 10, 30, 60],
    registers: [this.registry],
  });
  private readonly _run = new Histogram({
    name: 'foryou_async_job_run_seconds',
    help: 'Run time of one job attempt that completed.',
    labelNames: ['type'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1],
    registers: [this.registry],
  });
  private readonly _relayed = new Counter({
    name: 'foryou_async_relayed_total',
    help: 'Outbox entries moved into BullMQ.',
    registers: [this.registry],
  });
  private readonly _relayErrors = new Counter({
    name: 'foryou_async_relay_errors_total',
    help: 'Relay loop errors (the relay retries after a pause).',
    registers: [this.registry],
  });
  private readonly _reconcileRuns = new Counter({
    name: 'foryou_reconciliation_runs_total',
    help: 'Served-history reconciliation runs by outcome (ok, error).',
    labelNames: ['outcome'],
    registers: [this.registry],
  });
  private readonly _reconcileItems = new Counter({
    name: 'foryou_reconciliation_items_total',
    help: 'Served items found by reconciliation, by verdict: missing (from served history), trimmed (legitimately gone).',
    labelNames: ['verdict'],
    registers: [this.registry],
  });
  private readonly _reconcileRepairs = new Counter({
    name: 'foryou_reconciliation_repairs_total',
    help: 'Responses whose missing served-history entries reconciliation re-applied.',
    registers: [this.registry],
  });

  /** `effects`: job type → the effect and pipeline it belongs to (from the job registry). */
  constructor(private readonly _effects: ReadonlyMap<string, { effect: string; pipeline: string }>) {
    collectDefaultMetrics({ register: this.registry });
    const backlog = () => this.backlog();
    new Gauge({
      name: 'foryou_async_queue_jobs',
      help: 'Jobs in the queue by state (waiting, active, delayed, prioritized; failed = quarantined).',
      labelNames: ['queue', 'state'],
      registers: [this.registry],
      async collect() {
        const b = await backlog();
        if (b) {
          for (const [state, n] of Object.entries(b.counts)) {
            this.set({ queue: b.queue, state }, n);
          }
        }
      },
    });
    new Gauge({
      name: 'foryou_async_outbox_pending',
      help: 'Outbox entries accepted by home-mixer and not yet relayed into the queue.',
      registers: [this.registry],
      async collect() {
        const b = await backlog();
        if (b) {
          this.set(b.outboxPending);
        }
      },
    });
    new Gauge({
      name: 'foryou_async_oldest_pending_age_seconds',
      help: 'Age of the oldest work not yet started, by stage: outbox (not relayed) or queue (waiting or delayed).',
      labelNames: ['stage'],
      registers: [this.registry],
      async collect() {
        const b = await backlog();
        if (b) {
          this.set({ stage: 'outbox' }, b.oldestOutboxAgeSeconds);
          this.set({ stage: 'queue' }, b.oldestQueuedAgeSeconds);
        }
      },
    });
  }

  /** Where the backlog gauges read from (set once the queue exists). */
  observeBacklog(read: () => Promise<BacklogSnapshot>): void {
    this._backlog = read;
  }

  finished(
    job: { type: string; effect: string; pipeline: string },
    outcome: EffectOutcome,
    runSeconds: number,
    sinceAcceptedSeconds: number,
  ): void {
    this._jobs.inc({ type: job.type, outcome });
    this._run.observe({ type: job.type }, runSeconds);
    if (outcome !== 'duplicate') {
      this._sideEffects.inc({ pipeline: job.pipeline, effect: job.effect, outcome: 'completed' });
      this._completion.observe({ pipeline: job.pipeline, effect: job.effect }, sinceAcceptedSeconds);
    }
  }

  attemptFailed(type: string, classification: FailureClass, willRetry: boolean, reason: string): void {
    this._failures.inc({ type, classification, reason });
    this._jobs.inc({ type, outcome: willRetry ? 'retried' : 'quarantined' });
    const owner = this._effects.get(type);
    if (!willRetry && owner) {
      this._sideEffects.inc({ pipeline: owner.pipeline, effect: owner.effect, outcome: 'failed' });
    }
  }

  relayed(count: number): void {
    this._relayed.inc(count);
  }

  relayError(): void {
    this._relayErrors.inc();
  }

  reconciled(figures: ReconcileFigures | undefined): void {
    if (!figures) {
      this._reconcileRuns.inc({ outcome: 'error' });
      return;
    }
    this._reconcileRuns.inc({ outcome: 'ok' });
    this._reconcileItems.inc({ verdict: 'missing' }, figures.missingItems);
    this._reconcileItems.inc({ verdict: 'trimmed' }, figures.trimmedItems);
    this._reconcileRepairs.inc(figures.repairedRequests);
  }

  /** One Redis read per scrape, shared by the three backlog gauges. */
  private backlog(): Promise<BacklogSnapshot | undefined> {
    const now = Date.now();
    if (!this._lastBacklog || now - this._lastBacklog.atMs > 500) {
      const read = this._backlog;
      this._lastBacklog = {
        atMs: now,
        value: read ? read().catch(() => undefined) : Promise.resolve(undefined),
      };
    }
    return this._lastBacklog.value;
  }
}
