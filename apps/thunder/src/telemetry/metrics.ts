import { createOpenMetricsRegistry } from '@foryou/telemetry';
import { collectDefaultMetrics, Counter, Gauge, Histogram, type LabelValues } from 'prom-client';
import type { ApplyResult, CountedEventType, StoreStats } from '../store/types';
import { resultReason } from '../store/types';

/** Outcome of one GetInNetworkPosts call, as the availability SLI counts it. */
export type RequestOutcome = 'ok' | 'partial' | 'rejected' | 'invalid' | 'unavailable' | 'error';
export type IngestPhase = 'replay' | 'live';
export type RestoreSource = 'snapshot' | 'empty';
export type RedisOperation = 'read' | 'ack' | 'group' | 'lag' | 'epoch';

/**
 * Every metric Thunder exposes, in one place (DESIGN.md §6). Labels are bounded enums (event type,
 * result, reason, outcome, phase, partition index < THUNDER_PARTITIONS <= 1024); ids never appear.
 */
export class ThunderMetrics {
  readonly registry = createOpenMetricsRegistry();

  private readonly _events = new Counter({
    name: 'foryou_thunder_events_total',
    help: 'Stream entries consumed, by event type (unknown if unreadable) and apply result.',
    labelNames: ['type', 'result'],
    registers: [this.registry],
  });
  private readonly _eventReasons = new Counter({
    name: 'foryou_thunder_event_rejections_total',
    help: 'Entries that changed nothing, by result and reason (duplicate, stale and invalid breakdown).',
    labelNames: ['result', 'reason'],
    registers: [this.registry],
  });
  private readonly _lag = new Gauge({
    name: 'foryou_thunder_partition_lag_entries',
    help: 'Entries on the partition stream after the last one the store consumed.',
    labelNames: ['partition'],
    registers: [this.registry],
  });
  private readonly _ingestDelay = new Histogram({
    name: 'foryou_thunder_ingest_delay_seconds',
    help: 'Wall time from publish (published_at_ms) to apply: the ingestion-freshness SLI (phase=live).',
    labelNames: ['phase'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600],
    registers: [this.registry],
  });
  private readonly _restore = new Gauge({
    name: 'foryou_thunder_restore_duration_seconds',
    help: 'Time from process start of restore (snapshot load or empty) until first ready (caught up).',
    labelNames: ['source'],
    registers: [this.registry],
  });
  private readonly _queryPosts = new Histogram({
    name: 'foryou_thunder_query_posts',
    help: 'Posts returned per successful GetInNetworkPosts call.',
    buckets: [0, 1, 5, 10, 25, 50, 100, 250, 500, 1000],
    registers: [this.registry],
  });
  private readonly _requests = new Counter({
    name: 'foryou_thunder_requests_total',
    help: 'GetInNetworkPosts calls by outcome (ok, partial, rejected, invalid, unavailable, error).',
    labelNames: ['outcome'],
    registers: [this.registry],
  });
  private readonly _duration = new Histogram({
    name: 'foryou_thunder_request_duration_seconds',
    help: 'GetInNetworkPosts handling time on the server (monotonic clock).',
    labelNames: ['outcome'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1],
    enableExemplars: true,
    registers: [this.registry],
  });
  private readonly _inFlight = new Gauge({
    name: 'foryou_thunder_requests_in_flight',
    help: 'GetInNetworkPosts calls being handled (load shedding starts at THUNDER_MAX_CONCURRENT_REQUESTS).',
    registers: [this.registry],
  });
  private readonly _ready = new Gauge({
    name: 'foryou_thunder_ready',
    help: '1 when /readyz answers 200 (restored, caught up, Redis reachable), else 0.',
    registers: [this.registry],
  });
  private readonly _snapshots = new Counter({
    name: 'foryou_thunder_snapshot_writes_total',
    help: 'Snapshot writes by outcome (written, unchanged, error).',
    labelNames: ['outcome'],
    registers: [this.registry],
  });
  private readonly _snapshotDuration = new Histogram({
    name: 'foryou_thunder_snapshot_duration_seconds',
    help: 'Time to encode and durably write one snapshot.',
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  private readonly _redisErrors = new Counter({
    name: 'foryou_thunder_redis_errors_total',
    help: 'Failed Redis operations (each is retried with backoff).',
    labelNames: ['operation'],
    registers: [this.registry],
  });

  constructor(stats: () => StoreStats) {
    collectDefaultMetrics({ register: this.registry });
    new Gauge({
      name: 'foryou_thunder_active_posts',
      help: 'Live posts held in memory (expired ones until the next trim).',
      registers: [this.registry],
      collect() {
        this.set(stats().activePosts);
      },
    });
    new Gauge({
      name: 'foryou_thunder_tombstones',
      help: 'Tombstones held in memory (expired ones until the next trim).',
      registers: [this.registry],
      collect() {
        this.set(stats().tombstones);
      },
    });
    new Gauge({
      name: 'foryou_thunder_event_time_watermark_seconds',
      help: 'Max event time (content frame, unix seconds) seen on any partition; 0 before the first.',
      registers: [this.registry],
      collect() {
        this.set((stats().watermarkMs ?? 0) / 1000);
      },
    });
    this._ready.set(0);
    this._inFlight.set(0);
  }

  eventApplied(type: CountedEventType, result: ApplyResult): void {
    this._events.inc({ type, result: result.kind });
    const reason = resultReason(result);
    if (reason !== undefined) {
      this._eventReasons.inc({ result: result.kind, reason });
    }
  }

  ingestDelay(phase: IngestPhase, seconds: number): void {
    this._ingestDelay.observe({ phase }, Math.max(0, seconds));
  }

  partitionLag(partition: number, entries: number): void {
    this._lag.set({ partition: String(partition) }, entries);
  }

  restored(source: RestoreSource, seconds: number): void {
    this._restore.set({ source }, seconds);
  }

  request(outcome: RequestOutcome, seconds: number, traceId?: string): void {
    this._requests.inc({ outcome });
    this._duration.observe({
      labels: { outcome },
      value: seconds,
      // prom-client types exemplar labels as the metric's own label names; OpenMetrics allows any.
      ...(traceId ? { exemplarLabels: { trace_id: traceId } as LabelValues<'outcome'> } : {}),
    });
  }

  postsReturned(count: number): void {
    this._queryPosts.observe(count);
  }

  inFlight(count: number): void {
    this._inFlight.set(count);
  }

  ready(isReady: boolean): void {
    this._ready.set(isReady ? 1 : 0);
  }

  snapshot(outcome: 'written' | 'unchanged' | 'error', seconds?: number): void {
    this._snapshots.inc({ outcome });
    if (seconds !== undefined) {
      this._snapshotDuration.observe(seconds);
    }
  }

  redisError(operation: RedisOperation): void {
    this._redisErrors.inc({ operation });
  }
}
