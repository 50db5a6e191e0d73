import { PromPipelineMetrics, type SideEffectObserver } from '@foryou/candidate-pipeline';
import { createOpenMetricsRegistry } from '@foryou/telemetry';
import { collectDefaultMetrics, Counter, Gauge, Histogram, type LabelValues } from 'prom-client';

/**
 * Outcome of one feed request, from the viewer's side: `ok`; `degraded` (served, some component
 * failed); `failed` (served, but no posts at all because components failed — the viewer sees nothing);
 * `client_error` (4xx, not counted by SLOs); `error` (5xx).
 */
export type FeedOutcome = 'ok' | 'degraded' | 'failed' | 'client_error' | 'error';

/** The quality SLI's verdict on one served response (see qualityOf in feed.service.ts). */
export type FeedQualityVerdict = 'good' | 'short' | 'source_degraded';

/**
 * What happened to one engagement event of `POST /v1/events/engagement`: `accepted` (durably, in the
 * outbox), `duplicate_in_batch` (an exact repeat of an event earlier in its batch, counted once),
 * `rejected` (its batch was invalid: 400), `unavailable` (its batch could not be committed: 503, retryable).
 */
export type EngagementEventResult = 'accepted' | 'duplicate_in_batch' | 'rejected' | 'unavailable';

/**
 * Every metric home-mixer exposes, in one place (DESIGN.md §6). Labels are bounded enums; ids go to
 * traces and logs only. Latency buckets include every SLO threshold (0.1, 0.2, 0.3, 0.5 s).
 */
export class HomeMixerMetrics implements SideEffectObserver {
  readonly registry = createOpenMetricsRegistry();
  readonly pipeline = new PromPipelineMetrics(this.registry);

  private readonly _requests = new Counter({
    name: 'foryou_feed_requests_total',
    help: 'Feed requests by surface and outcome (ok, degraded, failed, client_error, error).',
    labelNames: ['surface', 'outcome'],
    registers: [this.registry],
  });
  private readonly _duration = new Histogram({
    name: 'foryou_feed_request_duration_seconds',
    help: 'Time from the feed entry to the response being built (monotonic clock).',
    labelNames: ['surface', 'outcome'],
    buckets: [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.75, 1, 2.5],
    enableExemplars: true,
    registers: [this.registry],
  });
  private readonly _quality = new Counter({
    name: 'foryou_feed_quality_total',
    help: 'Served feed responses by quality verdict: good, short (≤ 5 items), source_degraded (a required source — ThunderSource, PhoenixRetrievalSource — failed). Once per response; short takes precedence.',
    labelNames: ['surface', 'verdict'],
    registers: [this.registry],
  });
  private readonly _items = new Histogram({
    name: 'foryou_feed_items_returned',
    help: 'Items (posts and ads) returned per successful feed response.',
    labelNames: ['surface'],
    buckets: [0, 1, 3, 5, 10, 15, 20, 30, 50],
    registers: [this.registry],
  });
  private readonly _degraded = new Counter({
    name: 'foryou_feed_degraded_components_total',
    help: 'Components that failed, timed out, were cancelled or disabled in a feed request.',
    labelNames: ['pipeline', 'component', 'status', 'policy'],
    registers: [this.registry],
  });
  private readonly _safetyViolations = new Counter({
    name: 'foryou_feed_safety_violations_total',
    help: 'Items that reached a response without a proven servable safety label (invariant: always 0).',
    labelNames: ['surface'],
    registers: [this.registry],
  });
  private readonly _sideEffects = new Counter({
    name: 'foryou_side_effects_total',
    help: 'Side effects of responses by outcome: accepted/rejected (durable outbox) or completed/failed (in-process).',
    labelNames: ['pipeline', 'effect', 'outcome'],
    registers: [this.registry],
  });
  private readonly _sideEffectCompletion = new Histogram({
    name: 'foryou_side_effect_completion_seconds',
    help: 'Time from a side effect being accepted (response sent) to its completion: the freshness SLI of served history.',
    labelNames: ['pipeline', 'effect'],
    buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 2, 5, 10, 30, 60],
    registers: [this.registry],
  });
  private readonly _sideEffectDuration = new Histogram({
    name: 'foryou_side_effect_duration_seconds',
    help: 'Run time of one side effect.',
    labelNames: ['pipeline', 'effect'],
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1],
    registers: [this.registry],
  });

  private readonly _outboxCommit = new Histogram({
    name: 'foryou_side_effect_accept_seconds',
    help: "Time to durably accept a response's side effects (one outbox transaction), by outcome.",
    labelNames: ['pipeline', 'outcome'],
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25],
    registers: [this.registry],
  });
  private readonly _experimentAssignments = new Counter({
    name: 'foryou_experiment_assignments_total',
    help: 'Feed requests per experiment by assignment status (assigned, holdout, outside_ramp, killed, …) and served variant.',
    labelNames: ['experiment', 'variant', 'status'],
    registers: [this.registry],
  });
  private readonly _experimentExposures = new Counter({
    name: 'foryou_experiment_exposures_total',
    help: 'Experiment exposures committed with responses, by variant and whether the trigger held (per request, not per unit).',
    labelNames: ['experiment', 'variant', 'triggered'],
    registers: [this.registry],
  });
  private readonly _engagementEvents = new Counter({
    name: 'foryou_engagement_events_total',
    help: 'Engagement events received on POST /v1/events/engagement, by event type (invalid when unreadable) and result (accepted, duplicate_in_batch, rejected, unavailable).',
    labelNames: ['type', 'result'],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    this._safetyViolations.inc({ surface: 'for_you' }, 0);
  }

  request(surface: string, outcome: FeedOutcome, seconds: number, traceId?: string): void {
    this._requests.inc({ surface, outcome });
    this._duration.observe({
      labels: { surface, outcome },
      value: seconds,
      // prom-client types exemplar labels as the metric's own label names; OpenMetrics allows any.
      ...(traceId ? { exemplarLabels: { trace_id: traceId } as LabelValues<'surface'> } : {}),
    });
  }

  itemsReturned(surface: string, count: number): void {
    this._items.observe({ surface }, count);
  }

  quality(surface: string, verdict: FeedQualityVerdict): void {
    this._quality.inc({ surface, verdict });
  }

  experimentAssignment(experiment: string, variant: string, status: string): void {
    this._experimentAssignments.inc({ experiment, variant, status });
  }

  experimentExposure(experiment: string, variant: string, triggered: boolean): void {
    this._experimentExposures.inc({ experiment, variant, triggered: String(triggered) });
  }

  /**
   * Exports the age of this replica's kill-switch state (`foryou_experiment_kill_state_age_seconds`,
   * read at scrape time): how long ago its watcher last read the kills from Redis. A kill reaches this
   * replica only while this stays below KILL_SWITCH_POLL_MS. `lastRefreshedAtMs` null = never read (−1).
   */
  watchKillState(lastRefreshedAtMs: () => number | null, now: () => number = Date.now): void {
    new Gauge({
      name: 'foryou_experiment_kill_state_age_seconds',
      help: "Seconds since this replica last read the experiments' kill switches from Redis (the watcher's last refresh); a kill reaches the replica only while this stays below KILL_SWITCH_POLL_MS; -1 before the first read.",
      registers: [this.registry],
      collect() {
        const last = lastRefreshedAtMs();
        // −1 before the first read: "never", not "just now" (and no `> threshold` alert fires on it).
        this.set(last === null ? -1 : Math.max(0, (now() - last) / 1000));
      },
    });
  }

  degradedComponent(pipeline: string, component: string, status: string, policy: string): void {
    this._degraded.inc({ pipeline, component, status, policy });
  }

  safetyViolations(surface: string, count: number): void {
    this._safetyViolations.inc({ surface }, count);
  }

  completed(pipeline: string, effect: string, runSeconds: number, sinceAcceptedSeconds: number): void {
    this._sideEffects.inc({ pipeline, effect, outcome: 'completed' });
    this._sideEffectDuration.observe({ pipeline, effect }, runSeconds);
    this._sideEffectCompletion.observe({ pipeline, effect }, sinceAcceptedSeconds);
  }

  failed(pipeline: string, effect: string): void {
    this._sideEffects.inc({ pipeline, effect, outcome: 'failed' });
  }

  /** A response's durable side effects were committed to the outbox (`accepted`) or could not be. */
  sideEffectsAccepted(
    pipeline: string,
    effects: readonly string[],
    outcome: 'accepted' | 'rejected',
    seconds: number,
  ): void {
    for (const effect of effects) {
      this._sideEffects.inc({ pipeline, effect, outcome });
    }
    this._outboxCommit.observe({ pipeline, outcome }, seconds);
  }

  /** Counts engagement events by type and result; `types` holds one entry per event. */
  engagementEvents(types: readonly string[], result: EngagementEventResult): void {
    const counts = new Map<string, number>();
    for (const type of types) {
      counts.set(type, (counts.get(type) ?? 0) + 1);
    }
    for (const [type, n] of counts) {
      this._engagementEvents.inc({ type, result }, n);
    }
  }
}
