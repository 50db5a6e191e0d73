import type { DashboardSpec } from './panels';

const RATE = '$__rate_interval';

/** Second page: which stage, source or filter explains the user-facing symptom. */
export const feedPipeline: DashboardSpec = {
  uid: 'foryou-feed-pipeline',
  title: 'foryou / feed pipeline',
  description:
    'Per-stage latency, candidates in/out, drops by reason, source status, degraded components, side effects.',
  tags: ['foryou', 'pipeline'],
  panels: [
    {
      title: 'Stage latency p95',
      description: 'foryou_pipeline_stage_duration_seconds by pipeline and stage.',
      kind: 'timeseries',
      unit: 's',
      queries: [
        {
          expr: `histogram_quantile(0.95, sum by (le, pipeline, stage) (rate(foryou_pipeline_stage_duration_seconds_bucket{job="home-mixer"}[${RATE}])))`,
          legend: '{{pipeline}}/{{stage}}',
        },
      ],
    },
    {
      title: 'Candidates in and out per stage',
      description:
        'foryou_pipeline_stage_candidates_total: a gap between in and out is what the stage removed.',
      kind: 'timeseries',
      unit: 'ops',
      queries: [
        {
          expr: `sum by (pipeline, stage, direction) (rate(foryou_pipeline_stage_candidates_total{job="home-mixer"}[${RATE}]))`,
          legend: '{{pipeline}}/{{stage}} {{direction}}',
        },
      ],
    },
    {
      title: 'Candidates dropped by reason',
      description: 'foryou_pipeline_filtered_candidates_total by filter and bounded reason code.',
      kind: 'timeseries',
      unit: 'ops',
      queries: [
        {
          expr: `sum by (component, reason) (rate(foryou_pipeline_filtered_candidates_total{job="home-mixer"}[${RATE}]))`,
          legend: '{{component}}: {{reason}}',
        },
      ],
    },
    {
      title: 'Source status (calls by outcome)',
      description:
        'foryou_pipeline_component_outcomes_total for the sources stage: ok, empty, partial, error, timeout …',
      kind: 'timeseries',
      unit: 'ops',
      queries: [
        {
          expr: `sum by (component, outcome) (rate(foryou_pipeline_component_outcomes_total{job="home-mixer",stage="sources"}[${RATE}]))`,
          legend: '{{component}} {{outcome}}',
        },
      ],
    },
    {
      title: 'Degraded components',
      description:
        'foryou_feed_degraded_components_total: components that failed, timed out or were disabled in a request.',
      kind: 'timeseries',
      unit: 'ops',
      queries: [
        {
          expr: `sum by (component, status, policy) (rate(foryou_feed_degraded_components_total{job="home-mixer"}[${RATE}]))`,
          legend: '{{component}} {{status}} ({{policy}})',
        },
      ],
    },
    {
      title: 'Items returned per feed (p10 / p50)',
      description: 'foryou_feed_items_returned: the quality SLO counts pages with ≤ 5 items as short.',
      kind: 'timeseries',
      unit: 'short',
      queries: [0.1, 0.5].map((q) => ({
        expr: `histogram_quantile(${q}, sum by (le) (rate(foryou_feed_items_returned_bucket{job="home-mixer"}[${RATE}])))`,
        legend: `p${Math.round(q * 100)}`,
      })),
      threshold: { value: 6, label: 'quality: ≥ 6 items' },
    },
    {
      title: 'Side effects by outcome',
      description:
        'foryou_side_effects_total: home-mixer accepted / rejected (outbox commit before the response), workers completed / failed (applied / quarantined). Details: foryou-async-work.',
      kind: 'timeseries',
      unit: 'ops',
      queries: [
        {
          expr: `sum by (job, effect, outcome) (rate(foryou_side_effects_total{job=~"home-mixer|workers"}[${RATE}]))`,
          legend: '{{job}} {{effect}} {{outcome}}',
        },
      ],
    },
    {
      title: 'Served-history freshness p99',
      description:
        'foryou_side_effect_completion_seconds (workers): outbox commit → side effect applied by the workers (SLO: 1 s).',
      kind: 'timeseries',
      unit: 's',
      queries: [
        {
          expr: `histogram_quantile(0.99, sum by (le, effect) (rate(foryou_side_effect_completion_seconds_bucket{job="workers"}[${RATE}])))`,
          legend: '{{effect}}',
        },
      ],
      threshold: { value: 1, label: 'SLO 1 s' },
    },
    {
      title: 'Safety violations (invariant: 0)',
      description: 'foryou_feed_safety_violations_total over the last hour: any non-zero value pages.',
      kind: 'stat',
      unit: 'short',
      width: 12,
      queries: [
        {
          expr: 'sum(increase(foryou_feed_safety_violations_total{job="home-mixer"}[1h]))',
          legend: 'violations (1h)',
        },
      ],
      threshold: { value: 1, label: 'violation' },
    },
    {
      title: 'Alignment violations',
      description: 'foryou_pipeline_alignment_violations_total: batch results rejected for misaligned ids.',
      kind: 'stat',
      unit: 'short',
      width: 12,
      queries: [
        {
          expr: 'sum(increase(foryou_pipeline_alignment_violations_total{job="home-mixer"}[1h])) or vector(0)',
          legend: 'rejected (1h)',
        },
      ],
      threshold: { value: 1, label: 'violation' },
    },
  ],
};
