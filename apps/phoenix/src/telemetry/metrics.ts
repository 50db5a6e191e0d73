import { createOpenMetricsRegistry } from '@foryou/telemetry';
import { collectDefaultMetrics, Counter, Gauge, Histogram, type LabelValues } from 'prom-client';

/** The two RPCs. */
export type Rpc = 'retrieve' | 'rank';

/** Outcome of one call, as availability SLIs count it (one per gRPC status class). */
export type RequestOutcome =
  'ok' | 'invalid' | 'rejected' | 'deadline_exceeded' | 'cancelled' | 'unavailable' | 'error';

/** Retrieval statuses of successful Retrieve calls. */
export type RetrievalStatusLabel = 'complete' | 'partial' | 'no_personalisation';
export type IndexKind = 'hnsw' | 'exact';

/** Start-up phases with their own duration. */
export type StartupPhase =
  'world' | 'artifact_load' | 'train' | 'embed_corpus' | 'index_load' | 'index_build' | 'total';

/**
 * Every metric Phoenix exposes, in one place (DESIGN.md §6). Labels are bounded enums (rpc, outcome,
 * status, index, phase) plus the model/corpus version on the info gauge (one series per loaded
 * model); ids never appear.
 */
export class PhoenixMetrics {
  readonly registry = createOpenMetricsRegistry();

  private readonly _requests = new Counter({
    name: 'foryou_phoenix_requests_total',
    help: 'Phoenix calls by rpc (retrieve, rank) and outcome (ok, invalid, rejected, deadline_exceeded, cancelled, unavailable, error).',
    labelNames: ['rpc', 'outcome'],
    registers: [this.registry],
  });
  private readonly _duration = new Histogram({
    name: 'foryou_phoenix_request_duration_seconds',
    help: 'Server-side handling time per call (monotonic clock).',
    labelNames: ['rpc', 'outcome'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2.5],
    enableExemplars: true,
    registers: [this.registry],
  });
  private readonly _inFlight = new Gauge({
    name: 'foryou_phoenix_requests_in_flight',
    help: 'Calls being handled (load shedding starts at PHOENIX_MAX_CONCURRENT_REQUESTS).',
    registers: [this.registry],
  });
  private readonly _retrievalStatus = new Counter({
    name: 'foryou_phoenix_retrieval_status_total',
    help: 'Successful Retrieve calls by retrieval status (complete, partial, no_personalisation) and index (hnsw, exact).',
    labelNames: ['status', 'index'],
    registers: [this.registry],
  });
  private readonly _retrieved = new Histogram({
    name: 'foryou_phoenix_retrieval_results',
    help: 'Posts returned per successful Retrieve call.',
    labelNames: ['index'],
    buckets: [0, 1, 10, 50, 100, 200, 500, 1000, 5000],
    registers: [this.registry],
  });
  private readonly _rankCandidates = new Histogram({
    name: 'foryou_phoenix_rank_candidates',
    help: 'Candidates per successful Rank call.',
    buckets: [0, 1, 10, 50, 100, 250, 500, 1000, 2000],
    registers: [this.registry],
  });
  private readonly _unscored = new Counter({
    name: 'foryou_phoenix_rank_unscored_candidates_total',
    help: 'Ranked candidates answered with NaN predictions (post not in the corpus, or a non-finite feature).',
    registers: [this.registry],
  });
  private readonly _indexSize = new Gauge({
    name: 'foryou_phoenix_index_posts',
    help: 'Posts in the retrieval index (the corpus size).',
    registers: [this.registry],
  });
  private readonly _modelInfo = new Gauge({
    name: 'foryou_phoenix_model_info',
    help: 'The loaded model: 1 for its (model_version, corpus_version, code_version).',
    labelNames: ['model_version', 'corpus_version', 'code_version'],
    registers: [this.registry],
  });
  private readonly _startup = new Gauge({
    name: 'foryou_phoenix_startup_phase_duration_seconds',
    help: 'Duration of each start-up phase of this process (world, artifact_load, train, embed_corpus, index_load, index_build, total).',
    labelNames: ['phase'],
    registers: [this.registry],
  });
  private readonly _ready = new Gauge({
    name: 'foryou_phoenix_ready',
    help: '1 when /readyz answers 200 (model loaded, corpus embedded, index built), else 0.',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    this._ready.set(0);
  }

  request(rpc: Rpc, outcome: RequestOutcome, seconds: number, traceId?: string): void {
    this._requests.inc({ rpc, outcome });
    this._duration.observe({
      labels: { rpc, outcome },
      value: seconds,
      // prom-client types exemplar labels as the metric's own label names; OpenMetrics allows any.
      ...(traceId ? { exemplarLabels: { trace_id: traceId } as LabelValues<'rpc'> } : {}),
    });
  }

  inFlight(n: number): void {
    this._inFlight.set(n);
  }

  retrieval(status: RetrievalStatusLabel, index: IndexKind, posts: number): void {
    this._retrievalStatus.inc({ status, index });
    this._retrieved.observe({ index }, posts);
  }

  ranked(candidates: number, unscored: number): void {
    this._rankCandidates.observe(candidates);
    if (unscored > 0) {
      this._unscored.inc(unscored);
    }
  }

  indexSize(posts: number): void {
    this._indexSize.set(posts);
  }

  modelInfo(modelVersion: string, corpusVersion: string, codeVersion: string): void {
    this._modelInfo.reset();
    this._modelInfo.set(
      { model_version: modelVersion, corpus_version: corpusVersion, code_version: codeVersion },
      1,
    );
  }

  startupPhase(phase: StartupPhase, seconds: number): void {
    this._startup.set({ phase }, seconds);
  }

  ready(ready: boolean): void {
    this._ready.set(ready ? 1 : 0);
  }
}
