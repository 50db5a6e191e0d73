import type { DashboardSpec } from './panels';

const RATE = '$__rate_interval';

/**
 * Thunder from its own metrics (job thunder); Phoenix from its own (job phoenix: server-side handling,
 * shedding, retrieval status, unscored candidates) and from home-mixer's side (what the caller saw).
 */
export const thunderPhoenix: DashboardSpec = {
  uid: 'foryou-thunder-phoenix',
  title: 'foryou / Thunder & Phoenix',
  description:
    'In-network store ingestion and serving; Phoenix retrieval and ranking, server side and as home-mixer sees them.',
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
    {
      title: 'Phoenix calls by rpc and outcome (server side)',
      description:
        'foryou_phoenix_requests_total: ok, invalid, rejected (shed beyond PHOENIX_MAX_CONCURRENT_REQUESTS), deadline_exceeded, cancelled, unavailable, error.',
      kind: 'timeseries',
      unit: 'reqps',
      queries: [
        {
          expr: `sum by (rpc, outcome) (rate(foryou_phoenix_requests_total{job="phoenix"}[${RATE}]))`,
          legend: '{{rpc}} {{outcome}}',
        },
      ],
    },
    {
      title: 'Phoenix handling time p99 (server side)',
      description:
        'foryou_phoenix_request_duration_seconds of ok calls; the gap to the home-mixer-side p95 is network and queueing.',
      kind: 'timeseries',
      unit: 's',
      queries: [
        {
          expr: `histogram_quantile(0.99, sum by (le, rpc) (rate(foryou_phoenix_request_duration_seconds_bucket{job="phoenix",outcome="ok"}[${RATE}])))`,
          legend: '{{rpc}} p99',
        },
      ],
    },
    {
      title: 'Phoenix retrieval status and unscored candidates',
      description:
        'foryou_phoenix_retrieval_status_total (complete, partial, no_personalisation by index) and foryou_phoenix_rank_unscored_candidates_total (NaN predictions: post not in the corpus).',
      kind: 'timeseries',
      unit: 'ops',
      queries: [
        {
          expr: `sum by (status, index) (rate(foryou_phoenix_retrieval_status_total{job="phoenix"}[${RATE}]))`,
          legend: '{{status}} ({{index}})',
        },
        {
          expr: `sum(rate(foryou_phoenix_rank_unscored_candidates_total{job="phoenix"}[${RATE}]))`,
          legend: 'unscored candidates',
        },
      ],
    },
    {
      title: 'Phoenix in flight, ready, corpus',
      description: 'foryou_phoenix_requests_in_flight, foryou_phoenix_ready, foryou_phoenix_index_posts.',
      kind: 'timeseries',
      unit: 'short',
      queries: [
        { expr: 'sum(foryou_phoenix_requests_in_flight{job="phoenix"})', legend: 'in flight' },
        { expr: 'min(foryou_phoenix_ready{job="phoenix"})', legend: 'ready' },
        { expr: 'max(foryou_phoenix_index_posts{job="phoenix"}) / 1000', legend: 'corpus (thousands)' },
      ],
    },
  ],
};
