import type { DashboardSpec } from './panels';

const RATE = '$__rate_interval';

/**
 * Third page (USE): event loop, memory, CPU per process (home-mixer, thunder, phoenix, workers), and Redis
 * as home-mixer sees it (there is no Redis exporter in the stack; Redis trouble shows as failing
 * served-history reads and rejected outbox commits).
 */
export const resources: DashboardSpec = {
  uid: 'foryou-resources',
  title: 'foryou / resources',
  description:
    'Event-loop lag, memory, CPU and scrape health of every foryou process; Redis from the client side.',
  tags: ['foryou', 'resources'],
  panels: [
    {
      title: 'Event-loop lag p99',
      description:
        'nodejs_eventloop_lag_p99_seconds: time a ready callback waits — saturation of the one JS thread.',
      kind: 'timeseries',
      unit: 's',
      queries: [{ expr: 'max by (job) (nodejs_eventloop_lag_p99_seconds)', legend: '{{job}}' }],
    },
    {
      title: 'CPU (cores)',
      description: 'rate(process_cpu_seconds_total): 1 = one core busy.',
      kind: 'timeseries',
      unit: 'short',
      queries: [{ expr: `sum by (job) (rate(process_cpu_seconds_total[${RATE}]))`, legend: '{{job}}' }],
    },
    {
      title: 'Resident memory',
      description: 'process_resident_memory_bytes per process.',
      kind: 'timeseries',
      unit: 'bytes',
      queries: [{ expr: 'sum by (job) (process_resident_memory_bytes)', legend: '{{job}}' }],
    },
    {
      title: 'Heap used',
      description: 'nodejs_heap_size_used_bytes per process.',
      kind: 'timeseries',
      unit: 'bytes',
      queries: [{ expr: 'sum by (job) (nodejs_heap_size_used_bytes)', legend: '{{job}}' }],
    },
    {
      title: 'Scrape targets up',
      description: 'up: 1 when Prometheus could scrape the target.',
      kind: 'timeseries',
      unit: 'short',
      queries: [{ expr: 'up', legend: '{{job}} {{instance}}' }],
    },
    {
      title: 'Redis from home-mixer: served-history and cache errors',
      description:
        'Degraded ServedHistory / CachedPosts reads and side effects not accepted (outbox commit rejected; failed in the in-process test mode): all go to Redis. No Redis exporter runs in this stack.',
      kind: 'timeseries',
      unit: 'ops',
      queries: [
        {
          expr: `sum by (component) (rate(foryou_feed_degraded_components_total{job="home-mixer",component=~"ServedHistory|CachedPosts"}[${RATE}]))`,
          legend: '{{component}} degraded',
        },
        {
          expr: `sum by (effect, outcome) (rate(foryou_side_effects_total{job="home-mixer",outcome=~"rejected|failed"}[${RATE}]))`,
          legend: '{{effect}} {{outcome}}',
        },
      ],
    },
  ],
};
