import type { DashboardSpec } from './panels';

const RATE = '$__rate_interval';

/**
 * Thunder from its own metrics (job thunder); Phoenix from home-mixer's side (its components) until
 * Phoenix exports metrics of its own (apps/phoenix/src/telemetry/metrics.ts does not exist yet).
 */
export const thunderPhoenix: DashboardSpec = {
  uid: 'foryou-thunder-phoenix',
  title: 'foryou / Thunder & Phoenix',
  description:
    'In-network store ingestion and serving; Phoenix retrieval and ranking as home-mixer sees them.',
  tags: ['foryou', 'thunder', 'phoenix'],
  panels: [
    {
      title: 'Thunder ingest delay p50 / p99 (live)',
      description:
        'foryou_thunder_ingest_delay_seconds{phase="live"}: publish → apply (SLO: 99 % within 5 s).',
      kind: 'timeseries',
      unit: 's',
      queries: [0.5, 0.99].map((q) => ({
        expr: `histogram_quantile(${q}, sum by (le) (rate(foryou_thunder_ingest_delay_seconds_bucket{job="thunder",phase="live"}[${RATE}])))`,
        legend: `p${Math.round(q * 100)}`,
      })),
      threshold: { value: 5, label: 'SLO 5 s' },
    },
    {
      title: 'Thunder partition lag',
      description: 'foryou_thunder_partition_lag_entries: stream entries not yet consumed, per partition.',
      kind: 'timeseries',
      unit: 'short',
      queries: [
        {
          expr: 'max by (partition) (foryou_thunder_partition_lag_entries{job="thunder"})',
          legend: 'p{{partition}}',
        },
      ],
      threshold: { value: 1000, label: 'alert' },
    },
    {
      title: 'Thunder requests by outcome',
      description: 'foryou_thunder_requests_total (GetInNetworkPosts).',
      kind: 'timeseries',
      unit: 'reqps',
      queries: [
        {
          expr: `sum by (outcome) (rate(foryou_thunder_requests_total{job="thunder"}[${RATE}]))`,
          legend: '{{outcome}}',
        },
      ],
    },
    {
      title: 'Thunder ready',
      description: 'foryou_thunder_ready: 1 when restored, caught up and Redis reachable.',
      kind: 'stat',
      unit: 'short',
      queries: [{ expr: 'min(foryou_thunder_ready{job="thunder"})', legend: 'ready' }],
    },
    {
      title: 'Phoenix calls from home-mixer, p95',
      description: 'foryou_pipeline_component_duration_seconds for PhoenixRetrievalSource and PhoenixScorer.',
      kind: 'timeseries',
      unit: 's',
      queries: [
        {
          expr: `histogram_quantile(0.95, sum by (le, component) (rate(foryou_pipeline_component_duration_seconds_bucket{job="home-mixer",component=~"PhoenixRetrievalSource|PhoenixScorer"}[${RATE}])))`,
          legend: '{{component}}',
        },
      ],
    },
    {
      title: 'Phoenix and Thunder calls by outcome (home-mixer side)',
      description:
        'foryou_pipeline_component_outcomes_total for the components that call Thunder and Phoenix.',
      kind: 'timeseries',
      unit: 'ops',
      queries: [
        {
          expr: `sum by (component, outcome) (rate(foryou_pipeline_component_outcomes_total{job="home-mixer",component=~"ThunderSource|PhoenixRetrievalSource|PhoenixScorer"}[${RATE}]))`,
          legend: '{{component}} {{outcome}}',
        },
      ],
    },
  ],
};
