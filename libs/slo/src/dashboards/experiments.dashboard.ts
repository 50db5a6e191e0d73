import type { DashboardSpec } from './panels';

const RATE = '$__rate_interval';
const HM = 'job="home-mixer"';
const W = 'job="workers"';

/**
 * Online experiments (book 6.7/6.8): home-mixer's assignments and committed exposures per arm
 * (job="home-mixer"), and the workers' experiment monitor (job="workers", apps/workers/src/experiments):
 * SRM, guardrail levels, the actions it prescribes, kills, and whether it runs at all. The alerts are in
 * alerts/experiments.rules.yml; every panel names the one it explains.
 */
export const experiments: DashboardSpec = {
  uid: 'foryou-experiments',
  title: 'foryou / experiments',
  description:
    'Assignments and exposures per arm, triggered share, SRM p-value, guardrail levels, monitor actions, kills and monitor health.',
  tags: ['foryou', 'experiments', 'home-mixer', 'workers'],
  panels: [
    {
      title: 'Assigned requests per arm',
      description:
        'foryou_experiment_assignments_total{status="assigned"}: feed requests in the analysis, by experiment and served variant. Treatment at 0 while control goes on = the treatment arms are killed (the SRM and guardrail alerts only watch experiments with treatment traffic).',
      kind: 'timeseries',
      unit: 'reqps',
      queries: [
        {
          expr: `sum by (experiment, variant) (rate(foryou_experiment_assignments_total{${HM},status="assigned"}[${RATE}]))`,
          legend: '{{experiment}} {{variant}}',
        },
      ],
    },
    {
      title: 'Requests by assignment status',
      description:
        'foryou_experiment_assignments_total by status: assigned (in the analysis), holdout, outside_ramp, outside_layer_range, ineligible, killed, killed_variant, not_running. Everything but assigned serves control and logs nothing for the analysis.',
      kind: 'timeseries',
      unit: 'reqps',
      queries: [
        {
          expr: `sum by (experiment, status) (rate(foryou_experiment_assignments_total{${HM}}[${RATE}]))`,
          legend: '{{experiment}} {{status}}',
        },
      ],
    },
    {
      title: 'Exposures committed per arm',
      description:
        'foryou_experiment_exposures_total: exposures committed to the outbox with the response (one per request and experiment), by variant. Recorded into experiments.exposures by the workers.',
      kind: 'timeseries',
      unit: 'ops',
      queries: [
        {
          expr: `sum by (experiment, variant) (rate(foryou_experiment_exposures_total{${HM}}[${RATE}]))`,
          legend: '{{experiment}} {{variant}}',
        },
      ],
    },
    {
      title: 'Exposures per assigned request',
      description:
        'Exposures ÷ assigned requests per arm: about 1 (debug requests and failed requests are assigned, never exposed). 0 while requests are assigned opens a ticket (ExperimentExposuresStopped); a gap between arms biases the analysis and shows as SRM later.',
      kind: 'timeseries',
      unit: 'percentunit',
      queries: [
        {
          expr:
            `sum by (experiment, variant) (rate(foryou_experiment_exposures_total{${HM}}[${RATE}]))` +
            ` / sum by (experiment, variant) (rate(foryou_experiment_assignments_total{${HM},status="assigned"}[${RATE}]))`,
          legend: '{{experiment}} {{variant}}',
        },
      ],
    },
    {
      title: 'Triggered share of exposures',
      description:
        'foryou_experiment_exposures_total{triggered="true"} ÷ all exposures, per arm: the requests where the treatment could change the feed (control logs them counterfactually). The arms should agree; a difference means the trigger depends on the treatment.',
      kind: 'timeseries',
      unit: 'percentunit',
      queries: [
        {
          expr:
            `sum by (experiment, variant) (rate(foryou_experiment_exposures_total{${HM},triggered="true"}[${RATE}]))` +
            ` / sum by (experiment, variant) (rate(foryou_experiment_exposures_total{${HM}}[${RATE}]))`,
          legend: '{{experiment}} {{variant}}',
        },
      ],
    },
    {
      title: 'SRM p-value',
      description:
        'foryou_experiment_srm_p_value: χ² test of first exposures per active arm against the weights, at the last monitor run with enough units to judge it (kept after a kill). Below 0.001 for 15 minutes while treatment is assigned opens a ticket (ExperimentSampleRatioMismatch).',
      kind: 'timeseries',
      unit: 'short',
      queries: [
        {
          expr: `max by (experiment) (foryou_experiment_srm_p_value{${W}})`,
          legend: '{{experiment}}',
        },
      ],
      threshold: { value: 0.001, label: 'SRM: p < 0.001', bad: 'below' },
    },
    {
      title: 'Guardrail levels',
      description:
        'foryou_experiment_guardrail_level, worst over the treatment arms: -1 not evaluated (too few units), 0 ok, 1 warning (hold), 2 critical (kill or hold, per kill_switch). At 1 or more for 15 minutes opens a ticket (ExperimentGuardrailWarning).',
      kind: 'timeseries',
      unit: 'short',
      queries: [
        {
          expr: `max by (experiment, guardrail) (foryou_experiment_guardrail_level{${W}})`,
          legend: '{{experiment}} {{guardrail}}',
        },
      ],
      threshold: { value: 1, label: 'warning' },
    },
    {
      title: 'Actions prescribed by the last monitor run',
      description:
        'foryou_experiment_monitor_action = 1: the last run prescribed warn, hold (do not advance the ramp) or kill, for srm or guardrail. Only prescribed actions are shown.',
      kind: 'timeseries',
      unit: 'short',
      queries: [
        {
          expr: `max by (experiment, signal, action) (foryou_experiment_monitor_action{${W}}) > 0`,
          legend: '{{experiment}} {{signal}} → {{action}}',
        },
      ],
    },
    {
      title: 'Kills counted by the workers',
      description:
        'foryou_experiment_kills_total as counted by each running workers process since it started (automatic = by the monitor at creation; manual = when its audit row is written). A new automatic kill opens a ticket (ExperimentAutoKilled). The full history: experiment list, or experiments.kills.',
      kind: 'timeseries',
      unit: 'short',
      queries: [
        {
          expr: `sum by (experiment, automatic) (foryou_experiment_kills_total{${W}})`,
          legend: '{{experiment}} automatic={{automatic}}',
        },
      ],
    },
    {
      title: 'Monitor runs by result',
      description:
        'foryou_experiment_monitor_runs_total: ok, or error (a definition load or one experiment failed: Postgres, Redis, bad YAML; logged as "experiment monitor run failed"). About 2 runs a minute at the default 30 s interval.',
      kind: 'timeseries',
      unit: 'ops',
      queries: [
        {
          expr: `sum by (result) (rate(foryou_experiment_monitor_runs_total{${W}}[${RATE}]))`,
          legend: '{{result}}',
        },
      ],
    },
    {
      title: 'Time since the last successful monitor run',
      description:
        'now − foryou_experiment_monitor_last_success_timestamp_seconds, the freshest workers (from the process start when it never succeeded). Above 10 minutes opens a ticket (ExperimentMonitorFailing): automatic kills and holds are blind.',
      kind: 'stat',
      unit: 's',
      queries: [
        {
          expr:
            `time() - max(foryou_experiment_monitor_last_success_timestamp_seconds{${W}} > 0` +
            ` or process_start_time_seconds{${W}})`,
          legend: 'since last success',
        },
      ],
      threshold: { value: 600, label: 'ticket: 10 min' },
    },
    {
      title: 'Kill-switch state age per home-mixer replica',
      description:
        "Seconds since each replica's KillSwitchWatcher last read the kills from Redis (about KILL_SWITCH_POLL_MS, 1 s, when healthy). Above 60 s for 2 minutes opens a ticket (ExperimentKillStateStale): a kill would not reach that replica.",
      kind: 'timeseries',
      unit: 's',
      queries: [{ expr: `foryou_experiment_kill_state_age_seconds{${HM}}`, legend: '{{instance}}' }],
      threshold: { value: 60, label: 'ticket: 60 s' },
    },
  ],
};
