import type {
  GraphFinishedEvent,
  GraphRejectedEvent,
  TaskFinishedEvent,
  TaskGraphObserver,
  TaskStartedEvent,
} from '@foryou/task-graph';
import type { OpenMetricsRegistry } from '@foryou/telemetry';
import { Counter, Gauge, Histogram } from 'prom-client';

/** What the consumer did with one stream entry (the `outcome` label of foryou_grox_events_total). */
export type EventOutcome =
  /** A graph was submitted (accepted, or it already existed: submission is idempotent). */
  | 'submitted'
  /** content:<postId> already holds this version (or a newer one): nothing to do. */
  | 'already_published'
  /** An update whose text/topic did not change: no graph. */
  | 'unchanged'
  /** A delete: tombstone written, no graph. */
  | 'deleted'
  /** Not a valid post event (acknowledged and dropped, like Thunder does). */
  | 'invalid'
  /** The waiting room was full: left unacknowledged, retried later. */
  | 'deferred'
  /** Redis/executor error: left unacknowledged, retried later. */
  | 'error';

export type EventTypeLabel = 'create' | 'update' | 'delete' | 'unknown';

/** Point-in-time figures read from Redis at scrape time. */
export interface GroxBacklog {
  readonly graphsInFlight: number;
  /** Per partition: entries not yet delivered to the group (XINFO GROUPS `lag`) and delivered but unacknowledged. */
  readonly partitions: readonly { readonly lag: number | undefined; readonly pending: number }[];
}

/**
 * Grox's Prometheus metrics, registered on the registry it is given (the workers' one), fed by the
 * executor's observer hooks and by the post-event consumer. Labels are plan, task, pool, status,
 * event type/outcome and partition number — all bounded; never a graph or post id.
 */
export class GroxMetrics implements TaskGraphObserver {
  private readonly _tasks: Counter<'plan' | 'task' | 'pool' | 'status'>;
  private readonly _queueWait: Histogram<'pool'>;
  private readonly _run: Histogram<'task'>;
  private readonly _graphs: Counter<'plan' | 'status'>;
  private readonly _graphDuration: Histogram<'plan'>;
  private readonly _rejected: Counter<'plan'>;
  private readonly _events: Counter<'type' | 'outcome'>;
  private readonly _errors: Counter<'context'>;
  private _backlog: (() => Promise<GroxBacklog>) | undefined;
  private _lastBacklog: { atMs: number; value: Promise<GroxBacklog | undefined> } | undefined;

  constructor(registry: OpenMetricsRegistry, plans: readonly string[] = []) {
    const registers = [registry];
    this._tasks = new Counter({
      name: 'foryou_grox_tasks_total',
      help: 'Finished task attempts by plan, task, pool and status: succeeded, skipped, failed (for good), retried (failed and re-queued), expired (graph deadline).',
      labelNames: ['plan', 'task', 'pool', 'status'],
      registers,
    });
    this._queueWait = new Histogram({
      name: 'foryou_grox_task_queue_wait_seconds',
      help: 'Time a task attempt waited for a slot of its pool: enqueue (or retry eligibility) to start, Redis clock.',
      labelNames: ['pool'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    this._run = new Histogram({
      name: 'foryou_grox_task_run_seconds',
      help: 'Run time of task attempts that ran (succeeded, skipped or failed).',
      labelNames: ['task'],
      buckets: [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1, 5],
      registers,
    });
    this._graphs = new Counter({
      name: 'foryou_grox_graphs_total',
      help: 'Graphs that reached a final status, by plan and status (rejected graphs are in foryou_grox_rejected_total).',
      labelNames: ['plan', 'status'],
      registers,
    });
    this._graphDuration = new Histogram({
      name: 'foryou_grox_graph_duration_seconds',
      help: 'Acceptance to final status of a graph (Redis clock).',
      labelNames: ['plan'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers,
    });
    this._rejected = new Counter({
      name: 'foryou_grox_rejected_total',
      help: 'Submissions refused because the waiting room was full; the stream entry stays unacknowledged and is retried.',
      labelNames: ['plan'],
      registers,
    });
    this._events = new Counter({
      name: 'foryou_grox_events_total',
      help: 'Post-event stream entries handled by the Grox consumer, by event type and outcome.',
      labelNames: ['type', 'outcome'],
      registers,
    });
    this._errors = new Counter({
      name: 'foryou_grox_errors_total',
      help: 'Infrastructure errors handled or retried: executor (worker:<pool>, queue:<pool>, redis) and consumer.',
      labelNames: ['context'],
      registers,
    });
    for (const plan of plans) {
      this._rejected.inc({ plan }, 0);
    }
    const backlog = () => this.backlog();
    new Gauge({
      name: 'foryou_grox_graphs_in_flight',
      help: 'Graphs accepted and not finished, on this executor prefix (all processes): the waiting room occupancy.',
      registers,
      async collect() {
        const b = await backlog();
        if (b) {
          this.set(b.graphsInFlight);
        }
      },
    });
    new Gauge({
      name: 'foryou_grox_consumer_lag_entries',
      help: 'Post-event entries not yet delivered to the Grox consumer group, per partition.',
      labelNames: ['partition'],
      registers,
      async collect() {
        const b = await backlog();
        b?.partitions.forEach((p, i) => {
          if (p.lag !== undefined) {
            this.set({ partition: String(i) }, p.lag);
          }
        });
      },
    });
    new Gauge({
      name: 'foryou_grox_consumer_pending_entries',
      help: 'Post-event entries delivered to the Grox group and not acknowledged (in progress or deferred by backpressure), per partition.',
      labelNames: ['partition'],
      registers,
      async collect() {
        const b = await backlog();
        b?.partitions.forEach((p, i) => this.set({ partition: String(i) }, p.pending));
      },
    });
  }

  /** Where the backlog gauges read from. */
  observeBacklog(read: () => Promise<GroxBacklog>): void {
    this._backlog = read;
  }

  taskStarted(e: TaskStartedEvent): void {
    this._queueWait.observe({ pool: e.pool }, e.queueWaitMs / 1000);
  }

  taskFinished(e: TaskFinishedEvent): void {
    const status = e.status === 'failed' && e.willRetry ? 'retried' : e.status;
    this._tasks.inc({ plan: e.plan, task: e.taskId, pool: e.pool, status });
    // `expired`, and `failed` with runMs 0 (a lost worker's attempt out of budget), never ran.
    if (e.status === 'succeeded' || e.status === 'skipped' || (e.status === 'failed' && e.runMs > 0)) {
      this._run.observe({ task: e.taskId }, e.runMs / 1000);
    }
  }

  graphFinished(e: GraphFinishedEvent): void {
    this._graphs.inc({ plan: e.plan, status: e.status });
    this._graphDuration.observe({ plan: e.plan }, e.durationMs / 1000);
  }

  graphRejected(e: GraphRejectedEvent): void {
    this._rejected.inc({ plan: e.plan });
  }

  error(_error: unknown, context: string): void {
    this._errors.inc({ context });
  }

  event(type: EventTypeLabel, outcome: EventOutcome, count = 1): void {
    this._events.inc({ type, outcome }, count);
  }

  /** One Redis read per scrape, shared by the backlog gauges. */
  private backlog(): Promise<GroxBacklog | undefined> {
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
