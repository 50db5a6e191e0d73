import {
  Counter,
  Histogram,
  type LabelValues,
  type OpenMetricsContentType,
  type Registry,
} from 'prom-client';
import type { ComponentStatus, ErrorKind } from '../core/outcome';
import type { StageStatus } from '../ledger/pipeline-record';
import type { StageKind } from '../stages/stage-kind';

/**
 * What the runner measures. Labels are bounded enums and component names; never ids. Implementations
 * must not throw (telemetry never breaks its host).
 */
export interface PipelineMetrics {
  stage(pipeline: string, stage: StageKind, status: StageStatus, seconds: number, traceId?: string): void;
  component(
    pipeline: string,
    stage: StageKind,
    component: string,
    status: ComponentStatus,
    errorKind: ErrorKind | null,
    seconds: number,
  ): void;
  candidates(pipeline: string, stage: StageKind, input: number, output: number): void;
  removed(pipeline: string, component: string, reason: string, count: number): void;
  alignmentViolations(pipeline: string, component: string, kind: string, count: number): void;
  resultSize(pipeline: string, size: number): void;
}

export const NOOP_PIPELINE_METRICS: PipelineMetrics = {
  stage: () => undefined,
  component: () => undefined,
  candidates: () => undefined,
  removed: () => undefined,
  alignmentViolations: () => undefined,
  resultSize: () => undefined,
};

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 1, 2.5];

/** prom-client implementation. The metric names are the framework's, shared by every pipeline. */
export class PromPipelineMetrics implements PipelineMetrics {
  private readonly _stage: Histogram<'pipeline' | 'stage' | 'status'>;
  private readonly _component: Histogram<'pipeline' | 'stage' | 'component' | 'outcome'>;
  private readonly _outcomes: Counter<'pipeline' | 'stage' | 'component' | 'outcome' | 'error_kind'>;
  private readonly _candidates: Counter<'pipeline' | 'stage' | 'direction'>;
  private readonly _removed: Counter<'pipeline' | 'component' | 'reason'>;
  private readonly _violations: Counter<'pipeline' | 'component' | 'kind'>;
  private readonly _resultSize: Histogram<'pipeline'>;

  constructor(registry: Registry<OpenMetricsContentType>) {
    const registers = [registry];
    this._stage = new Histogram({
      name: 'foryou_pipeline_stage_duration_seconds',
      help: 'Latency of one pipeline stage.',
      labelNames: ['pipeline', 'stage', 'status'],
      buckets: LATENCY_BUCKETS,
      enableExemplars: true,
      registers,
    });
    this._component = new Histogram({
      name: 'foryou_pipeline_component_duration_seconds',
      help: 'Latency of one component call, by outcome.',
      labelNames: ['pipeline', 'stage', 'component', 'outcome'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this._outcomes = new Counter({
      name: 'foryou_pipeline_component_outcomes_total',
      help: 'Component calls by outcome (ok, empty, error, timeout, cancelled, disabled).',
      labelNames: ['pipeline', 'stage', 'component', 'outcome', 'error_kind'],
      registers,
    });
    this._candidates = new Counter({
      name: 'foryou_pipeline_stage_candidates_total',
      help: 'Candidates entering (in) and leaving (out) each stage.',
      labelNames: ['pipeline', 'stage', 'direction'],
      registers,
    });
    this._removed = new Counter({
      name: 'foryou_pipeline_filtered_candidates_total',
      help: 'Candidates removed, by component and bounded reason code.',
      labelNames: ['pipeline', 'component', 'reason'],
      registers,
    });
    this._violations = new Counter({
      name: 'foryou_pipeline_alignment_violations_total',
      help: 'Batch results rejected because their ids did not align with the input batch.',
      labelNames: ['pipeline', 'component', 'kind'],
      registers,
    });
    this._resultSize = new Histogram({
      name: 'foryou_pipeline_result_size',
      help: 'Candidates selected per pipeline run.',
      labelNames: ['pipeline'],
      buckets: [0, 1, 5, 10, 20, 35, 50, 100],
      registers,
    });
  }

  stage(pipeline: string, stage: StageKind, status: StageStatus, seconds: number, traceId?: string): void {
    this._stage.observe({
      labels: { pipeline, stage, status },
      value: seconds,
      // prom-client types exemplar labels as the metric's own label names; OpenMetrics allows any.
      ...(traceId ? { exemplarLabels: { trace_id: traceId } as LabelValues<'pipeline'> } : {}),
    });
  }

  component(
    pipeline: string,
    stage: StageKind,
    component: string,
    status: ComponentStatus,
    errorKind: ErrorKind | null,
    seconds: number,
  ): void {
    this._component.observe({ pipeline, stage, component, outcome: status }, seconds);
    this._outcomes.inc({ pipeline, stage, component, outcome: status, error_kind: errorKind ?? 'none' });
  }

  candidates(pipeline: string, stage: StageKind, input: number, output: number): void {
    this._candidates.inc({ pipeline, stage, direction: 'in' }, input);
    this._candidates.inc({ pipeline, stage, direction: 'out' }, output);
  }

  removed(pipeline: string, component: string, reason: string, count: number): void {
    this._removed.inc({ pipeline, component, reason }, count);
  }

  alignmentViolations(pipeline: string, component: string, kind: string, count: number): void {
    this._violations.inc({ pipeline, component, kind }, count);
  }

  resultSize(pipeline: string, size: number): void {
    this._resultSize.observe({ pipeline }, size);
  }
}
