import type { DashboardSpec, PanelSpec } from './panels';

const RATE = '$__rate_interval';
const W = 'job="workers"';

function quantiles(
  metric: string,
  selector: string,
  by: string,
  qs: readonly number[],
): PanelSpec['queries'] {
  return qs.map((q) => ({
    expr: `histogram_quantile(${q}, sum by (le, ${by}) (rate(${metric}_bucket{${selector}}[${RATE}])))`,
    legend: `{{${by}}} p${Math.round(q * 100)}`,
  }));
}

/**
 * Durable side effects end to end (apps/workers): home-mixer commits each response's effects to the
 * Redis-stream outbox, the relay moves them into BullMQ (queue side-effects), workers apply them; failed
 * jobs are the quarantine (DLQ) and reconciliation repairs served history. Every metric is the workers'
 * (job="workers", slo/metrics/workers.yaml) except the outbox commit, which home-mixer measures.
 */
export const asyncWork: DashboardSpec = {
  uid: 'foryou-async-work',
  title: 'foryou / async work',
  description:
    'Outbox → relay → BullMQ → workers: backlog and its age, throughput, completion latency vs the 1 s freshness SLO, quarantine, reconciliation, Grox.',
  tags: ['foryou', 'workers', 'async'],
  panels: [
    {
      title: 'Outbox pending (not yet relayed)',
      description:
        'foryou_async_outbox_pending: entries home-mixer committed that the relay has not moved into BullMQ. Growing while the relay rate is 0 = OutboxNotDraining.',
      kind: 'timeseries',
      unit: 'short',
      queries: [{ expr: `max(foryou_async_outbox_pending{${W}})`, legend: 'outbox entries' }],
    },
    {
      title: 'Oldest pending work by stage',
      description:
        'foryou_async_oldest_pending_age_seconds: outbox = oldest entry not relayed; queue = oldest job waiting or delayed (retry backoff). Above 30 s for 2 minutes pages (SideEffectBacklogAging).',
      kind: 'timeseries',
      unit: 's',
      queries: [
        {
          expr: `max by (stage) (foryou_async_oldest_pending_age_seconds{${W}})`,
          legend: '{{stage}}',
        },
      ],
      threshold: { value: 30, label: 'page: 30 s' },
    },
    {
      title: 'Queue jobs by state',
      description:
        'foryou_async_queue_jobs of queue side-effects: waiting, active, delayed (backing off before a retry), prioritized. Failed (quarantined) jobs are on the next panel.',
      kind: 'timeseries',
      unit: 'short',
      queries: [
        {
          expr: `max by (state) (foryou_async_queue_jobs{${W},state!="failed"})`,
          legend: '{{state}}',
        },
      ],
    },
    {
      title: 'Quarantined jobs (DLQ size)',
      description:
        'foryou_async_queue_jobs{state="failed"}: jobs given up on, held for `dlq inspect` / `dlq replay`. Any growth opens a ticket (SideEffectQuarantineGrowing).',
      kind: 'stat',
      unit: 'short',
      queries: [
        { expr: `max by (queue) (foryou_async_queue_jobs{${W},state="failed"})`, legend: '{{queue}}' },
      ],
      threshold: { value: 1, label: 'quarantined' },
    },
    {
      title: 'Job throughput by outcome',
      description:
        'foryou_async_jobs_total: applied, duplicate (inbox hit: already applied), superseded, retried (an attempt failed and will be retried), quarantined.',
      kind: 'timeseries',
      unit: 'ops',
      queries: [
        {
          expr: `sum by (type, outcome) (rate(foryou_async_jobs_total{${W}}[${RATE}]))`,
          legend: '{{type}} {{outcome}}',
        },
      ],
    },
    {
      title: 'Side effects: accepted at the outbox vs applied',
      description:
        'foryou_side_effects_total: home-mixer counts accepted / rejected outbox commits, the workers completed / failed (quarantined) effects. In a steady state accepted ≈ completed per effect.',
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
      title: 'Completion latency p50 / p99 per effect',
      description:
        'foryou_side_effect_completion_seconds (workers): outbox commit, before the response, to the effect applied. The served-history freshness SLO counts UpdateServedHistory within 1 s as good.',
      kind: 'timeseries',
      unit: 's',
      queries: quantiles('foryou_side_effect_completion_seconds', W, 'effect', [0.5, 0.99]),
      threshold: { value: 1, label: 'SLO 1 s' },
    },
    {
      title: 'Outbox commit latency p99 (home-mixer)',
      description:
        'foryou_side_effect_accept_seconds: one outbox transaction, on the request path before the response, by outcome (rejected = the commit failed; the feed was served without its side effects).',
      kind: 'timeseries',
      unit: 's',
      queries: [
        {
          expr: `histogram_quantile(0.99, sum by (le, outcome) (rate(foryou_side_effect_accept_seconds_bucket{job="home-mixer"}[${RATE}])))`,
          legend: '{{outcome}} p99',
        },
      ],
    },
    {
      title: 'Failed attempts by reason',
      description:
        'foryou_async_job_failures_total by job type, classification (transient: retried with backoff; permanent: quarantined at once) and reason.',
      kind: 'timeseries',
      unit: 'ops',
      queries: [
        {
          expr: `sum by (type, classification, reason) (rate(foryou_async_job_failures_total{${W}}[${RATE}]))`,
          legend: '{{type}} {{classification}}: {{reason}}',
        },
      ],
    },
    {
      title: 'Retries and quarantines per job type',
      description:
        'foryou_async_jobs_total{outcome=~"retried|quarantined"}: a retry is late for the 1 s SLO; a quarantine is an effect not applied until replayed or repaired by reconciliation.',
      kind: 'timeseries',
      unit: 'ops',
      queries: [
        {
          expr: `sum by (type, outcome) (rate(foryou_async_jobs_total{${W},outcome=~"retried|quarantined"}[${RATE}]))`,
          legend: '{{type}} {{outcome}}',
        },
      ],
    },
    {
      title: 'Relay: entries moved and errors',
      description:
        'foryou_async_relayed_total (outbox entries moved into BullMQ) and foryou_async_relay_errors_total (relay loop errors; it retries after a pause).',
      kind: 'timeseries',
      unit: 'ops',
      queries: [
        { expr: `sum(rate(foryou_async_relayed_total{${W}}[${RATE}]))`, legend: 'relayed' },
        { expr: `sum(rate(foryou_async_relay_errors_total{${W}}[${RATE}]))`, legend: 'relay errors' },
      ],
    },
    {
      title: 'Job run time p99 by type',
      description:
        'foryou_async_job_run_seconds: one completed attempt, without the time spent queued (compare with completion latency).',
      kind: 'timeseries',
      unit: 's',
      queries: quantiles('foryou_async_job_run_seconds', W, 'type', [0.99]),
    },
    {
      title: 'Reconciliation: served items missing from history (1h)',
      description:
        'foryou_reconciliation_items_total over the last hour: missing = served but absent from served history (lost or later than the grace period; repaired), trimmed = legitimately aged out. Missing > 0 opens a ticket (ReconciliationFoundMissing).',
      kind: 'timeseries',
      unit: 'short',
      queries: [
        {
          expr: `sum by (verdict) (increase(foryou_reconciliation_items_total{${W}}[1h]))`,
          legend: '{{verdict}}',
        },
      ],
      threshold: { value: 1, label: 'missing: ticket' },
    },
    {
      title: 'Reconciliation runs and repairs (1h)',
      description:
        'foryou_reconciliation_runs_total by outcome (ok, error) and foryou_reconciliation_repairs_total (responses whose history was re-applied), over the last hour.',
      kind: 'timeseries',
      unit: 'short',
      queries: [
        {
          expr: `sum by (outcome) (increase(foryou_reconciliation_runs_total{${W}}[1h]))`,
          legend: 'runs {{outcome}}',
        },
        { expr: `sum(increase(foryou_reconciliation_repairs_total{${W}}[1h]))`, legend: 'repairs' },
      ],
    },
    {
      title: 'Grox: graphs by status',
      description:
        'foryou_grox_graphs_total (content-understanding graphs that finished, by status) and foryou_grox_rejected_total (refused: waiting room full, retried later).',
      kind: 'timeseries',
      unit: 'ops',
      queries: [
        {
          expr: `sum by (plan, status) (rate(foryou_grox_graphs_total{${W}}[${RATE}]))`,
          legend: '{{plan}} {{status}}',
        },
        {
          expr: `sum by (plan) (rate(foryou_grox_rejected_total{${W}}[${RATE}]))`,
          legend: '{{plan}} rejected',
        },
      ],
    },
    {
      title: 'Grox: consumer lag and graphs in flight',
      description:
        'foryou_grox_consumer_lag_entries (post events not yet delivered to the Grox group, all partitions) and foryou_grox_graphs_in_flight (waiting-room occupancy).',
      kind: 'timeseries',
      unit: 'short',
      queries: [
        { expr: `sum(foryou_grox_consumer_lag_entries{${W}})`, legend: 'lag (entries)' },
        { expr: `max(foryou_grox_graphs_in_flight{${W}})`, legend: 'graphs in flight' },
      ],
    },
    {
      title: 'Grox: task queue wait p99 by pool',
      description:
        'foryou_grox_task_queue_wait_seconds: how long a task attempt waited for a slot of its pool.',
      kind: 'timeseries',
      unit: 's',
      queries: quantiles('foryou_grox_task_queue_wait_seconds', W, 'pool', [0.99]),
    },
    {
      title: 'Grox: task attempts by status',
      description:
        'foryou_grox_tasks_total: succeeded, skipped, retried, failed (for good), expired (graph deadline), per task.',
      kind: 'timeseries',
      unit: 'ops',
      queries: [
        {
          expr: `sum by (task, status) (rate(foryou_grox_tasks_total{${W}}[${RATE}]))`,
          legend: '{{task}} {{status}}',
        },
      ],
    },
  ],
};
