import type { DashboardSpec, PanelSpec } from './panels';

/** Burn rate in one window, per SLO: the error ratio divided by the SLO's budget. */
function burn(window: string): string {
  return `slo:sli_error:ratio_rate${window} / ignoring(sloth_window) slo:error_budget:ratio`;
}

function burnPanel(long: string, short: string, factor: number, severity: string): PanelSpec {
  return {
    title: `Burn rate ${long} & ${short} (${severity} at ${factor}×)`,
    description: `Both windows above ${factor}× fire the ${severity} alert (multi-window, multi-burn-rate).`,
    kind: 'timeseries',
    unit: 'short',
    width: 6,
    queries: [
      { expr: burn(long), legend: `{{sloth_slo}} ${long}` },
      { expr: burn(short), legend: `{{sloth_slo}} ${short}` },
    ],
    threshold: { value: factor, label: `${factor}×` },
  };
}

/** First page of an investigation: are viewers affected, how much budget is left, how fast it burns. */
export const sloOverview: DashboardSpec = {
  uid: 'foryou-slo-overview',
  title: 'foryou / SLO overview',
  description:
    'User-facing SLIs, error budget remaining over 30d and burn rates per alert window (generated from slo/).',
  tags: ['foryou', 'slo'],
  panels: [
    {
      title: 'Error budget remaining (30d)',
      description: '1 − period burn rate: the share of the 30-day error budget not yet spent.',
      kind: 'stat',
      unit: 'percentunit',
      width: 12,
      queries: [
        { expr: 'slo:period_error_budget_remaining:ratio', legend: '{{sloth_service}} {{sloth_slo}}' },
      ],
      threshold: { value: 0, label: 'exhausted', bad: 'below' },
    },
    {
      title: 'Firing SLO alerts',
      description: 'Burn-rate and no-data alerts currently firing, by alert and severity.',
      kind: 'stat',
      unit: 'short',
      width: 12,
      queries: [
        {
          expr: 'count by (alertname, severity) (ALERTS{alertstate="firing",sloth_id!=""})',
          legend: '{{alertname}} {{severity}}',
        },
      ],
      threshold: { value: 1, label: 'firing' },
    },
    {
      title: 'SLI: good events ratio (5m)',
      description: 'Good ÷ valid events per SLO over 5 minutes (1 − error ratio).',
      kind: 'timeseries',
      unit: 'percentunit',
      width: 12,
      queries: [{ expr: '1 - slo:sli_error:ratio_rate5m', legend: '{{sloth_service}} {{sloth_slo}}' }],
    },
    {
      title: 'Current burn rate (5m)',
      description: '1 = spending exactly the budget over 30 days; 14.4 = 2 % of it per hour.',
      kind: 'timeseries',
      unit: 'short',
      width: 12,
      queries: [{ expr: 'slo:current_burn_rate:ratio', legend: '{{sloth_service}} {{sloth_slo}}' }],
      threshold: { value: 1, label: '1×' },
    },
    burnPanel('1h', '5m', 14.4, 'page'),
    burnPanel('6h', '30m', 6, 'page'),
    burnPanel('1d', '2h', 3, 'ticket'),
    burnPanel('3d', '6h', 1, 'ticket'),
    {
      title: 'Feed requests by outcome',
      description: 'foryou_feed_requests_total: failed and error are bad; client_error is not a valid event.',
      kind: 'timeseries',
      unit: 'reqps',
      width: 12,
      queries: [
        {
          expr: 'sum by (outcome) (rate(foryou_feed_requests_total{job="home-mixer"}[$__rate_interval]))',
          legend: '{{outcome}}',
        },
      ],
    },
    {
      title: 'Feed latency quantiles (entry to response)',
      description:
        'From the foryou_feed_request_duration_seconds histogram; the latency SLO threshold is 300 ms.',
      kind: 'timeseries',
      unit: 's',
      width: 12,
      queries: [0.5, 0.95, 0.99].map((q) => ({
        expr: `histogram_quantile(${q}, sum by (le) (rate(foryou_feed_request_duration_seconds_bucket{job="home-mixer",outcome!="client_error"}[$__rate_interval])))`,
        legend: `p${Math.round(q * 100)}`,
      })),
      threshold: { value: 0.3, label: 'SLO 300 ms' },
    },
  ],
};
