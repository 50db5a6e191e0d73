import type { Slo, TestSeries } from '../spec/schema';
import { clean } from './rule-types';
import { absentAlert, burnAnnotations, type SloContext } from './slo-rules';
import { parseDuration } from '../spec/duration';
import { PRODUCTION } from './windows';

/**
 * Generated `promtool test rules` cases. They drive RAW counters (the series home-mixer exports)
 * through the real recording and alerting rules, so a wrong SLI query, window or threshold fails a test.
 *
 * Every scenario: a healthy baseline at least as long as the longest window that could make another
 * tier fire (so windows are full and the arithmetic is exact), then an error ratio r = m × factor ×
 * budget from minute B on. With full windows the long-window ratio at B + k is r × k / long, so a pair
 * fires once both r × min(k, long) / long and r × min(k, short) / short exceed factor × budget.
 * All timings below are independent of the budget (everything scales with it).
 */

/**
 * Valid events per minute in every scenario: large enough for any min_events guard, and chosen so every
 * per-step count is an integer (1.05 × 14.4 × 0.001 × 100 000 = 1512). promtool accumulates `a+bxn` by
 * repeated float addition; fractional steps leave noise that reads as a counter reset at the next segment.
 */
const EVENTS_PER_MINUTE = 100_000;

interface Phase {
  /** Minutes this phase lasts. */
  readonly minutes: number;
  /** Bad events as a fraction of valid events. */
  readonly errorRatio: number;
  /** Valid events per minute (default EVENTS_PER_MINUTE). */
  readonly perMinute?: number;
}

interface Check {
  readonly at: number;
  readonly fires: 'page' | 'ticket' | null;
  readonly why: string;
}

interface Scenario {
  readonly title: string;
  readonly intervalMinutes: number;
  readonly phases: readonly Phase[];
  readonly checks: readonly Check[];
}

export interface PromtoolTestCase {
  interval: string;
  name: string;
  input_series: { series: string; values: string }[];
  alert_rule_test: {
    eval_time: string;
    alertname: string;
    exp_alerts: { exp_labels: Record<string, string>; exp_annotations: Record<string, string> }[];
  }[];
  promql_expr_test?: { expr: string; eval_time: string; exp_samples: { labels: string; value: number }[] }[];
}

export interface PromtoolTestFile {
  rule_files: string[];
  evaluation_interval: string;
  /** Recordings before the alerts that read them, at every evaluation time (as Prometheus' own lag is not the point). */
  group_eval_order: string[];
  tests: PromtoolTestCase[];
}

const DAY = 1440;
const HOUR = 60;

/** Page scenarios (evaluated every 5m). */
function pageScenarios(): Scenario[] {
  return [
    {
      title:
        'page 1h/5m at 14.4x, just above (r = 1.05 x 14.4 x budget): after a 1d healthy baseline B, 1h ratio = r x k/60 ' +
        'crosses 14.4 x budget at k = 60/1.05 = 57.1 min; at B+60m 6h ratio = 2.52 x budget < 6x and 1d ratio = 0.63 x budget < 3x, ' +
        'so only the page fires. Errors stop at B+60m: the 5m ratio is 0 by B+65m and the page clears.',
      intervalMinutes: 1,
      phases: [
        { minutes: DAY, errorRatio: 0 },
        { minutes: 60, errorRatio: 1.05 * 14.4 },
        { minutes: 15, errorRatio: 0 },
      ],
      checks: [
        { at: DAY + 55, fires: null, why: '1h ratio = 15.12 x 55/60 = 13.86 x budget < 14.4x' },
        { at: DAY + 60, fires: 'page', why: '1h and 5m ratios = 15.12 x budget > 14.4x' },
        { at: DAY + 65, fires: null, why: 'recovered: 5m ratio = 0 within the 5m short window' },
      ],
    },
    {
      title:
        'page 1h/5m at 14.4x, just below (r = 0.95 x 14.4 x budget): the 1h ratio never exceeds 13.68 x budget; at B+90m ' +
        '6h ratio = 13.68 x 90/360 = 3.42 x budget < 6x and 1d ratio = 0.855 x budget < 3x: nothing fires.',
      intervalMinutes: 1,
      phases: [
        { minutes: DAY, errorRatio: 0 },
        { minutes: 90, errorRatio: 0.95 * 14.4 },
      ],
      checks: [
        { at: DAY + 60, fires: null, why: '1h ratio = 13.68 x budget < 14.4x' },
        { at: DAY + 90, fires: null, why: '1h ratio = 13.68 x budget < 14.4x, 6h = 3.42x < 6x' },
      ],
    },
    {
      title:
        'page 6h/30m at 6x, just above (r = 1.05 x 6 x budget = 6.3 x budget): after a 3d baseline B, 6h ratio = 6.3 x k/360 ' +
        'crosses 6x at k = 342.9 min; at B+6h 1d ratio = 1.575x < 3x and 3d ratio = 0.525x < 1x, so only the page fires. ' +
        'Errors stop at B+6h: the 30m ratio is 0 by B+6h30m and the page clears.',
      intervalMinutes: 5,
      phases: [
        { minutes: 3 * DAY, errorRatio: 0 },
        { minutes: 6 * HOUR, errorRatio: 1.05 * 6 },
        { minutes: 60, errorRatio: 0 },
      ],
      checks: [
        { at: 3 * DAY + 330, fires: null, why: '6h ratio = 6.3 x 330/360 = 5.775 x budget < 6x' },
        { at: 3 * DAY + 360, fires: 'page', why: '6h and 30m ratios = 6.3 x budget > 6x' },
        { at: 3 * DAY + 390, fires: null, why: 'recovered: 30m ratio = 0 within the 30m short window' },
      ],
    },
    {
      title:
        'page 6h/30m at 6x, just below (r = 0.95 x 6 x budget = 5.7 x budget): 6h ratio <= 5.7x < 6x; at B+6h30m 1d ratio = ' +
        '1.54x < 3x and 3d ratio = 0.51x < 1x: nothing fires.',
      intervalMinutes: 5,
      phases: [
        { minutes: 3 * DAY, errorRatio: 0 },
        { minutes: 390, errorRatio: 0.95 * 6 },
      ],
      checks: [
        { at: 3 * DAY + 360, fires: null, why: '6h ratio = 5.7 x budget < 6x' },
        { at: 3 * DAY + 390, fires: null, why: '6h ratio = 5.7 x budget < 6x' },
      ],
    },
  ];
}

/** Ticket scenarios (evaluated every 30m). */
function ticketScenarios(): Scenario[] {
  return [
    {
      title:
        'ticket 1d/2h at 3x, just above (r = 1.05 x 3 x budget = 3.15 x budget): after a 3d baseline B, 1d ratio = 3.15 x k/1440 ' +
        'crosses 3x at k = 22.9h (the 3d/6h pair crosses 1x at the same moment: 3.15 x k/4320 > 1); r < 6x so no page. ' +
        'Errors stop at B+24h: the 2h pair clears by B+26h and the 3d/6h pair once its 6h ratio drops below 1x ' +
        '(3.15 x (6h - x)/6h < 1 at x = 4.1h), so the ticket is clear within the longest ticket short window (6h).',
      intervalMinutes: 5,
      phases: [
        { minutes: 3 * DAY, errorRatio: 0 },
        { minutes: DAY, errorRatio: 1.05 * 3 },
        { minutes: 6 * HOUR, errorRatio: 0 },
      ],
      checks: [
        {
          at: 3 * DAY + 22 * HOUR,
          fires: null,
          why: '1d ratio = 3.15 x 22/24 = 2.89 x budget < 3x; 3d = 0.96x < 1x',
        },
        { at: 4 * DAY, fires: 'ticket', why: '1d and 2h ratios = 3.15 x budget > 3x' },
        { at: 4 * DAY + 6 * HOUR, fires: null, why: 'recovered within the 6h short window' },
      ],
    },
    {
      title:
        'ticket 1d/2h at 3x, just below (r = 0.95 x 3 x budget = 2.85 x budget): at B+24h 1d ratio = 2.85x < 3x and ' +
        '3d ratio = 2.85 x 24/72 = 0.95x < 1x: nothing fires (the 3d/6h pair would, legitimately, after 25.3h).',
      intervalMinutes: 5,
      phases: [
        { minutes: 3 * DAY, errorRatio: 0 },
        { minutes: DAY, errorRatio: 0.95 * 3 },
      ],
      checks: [{ at: 4 * DAY, fires: null, why: '1d ratio = 2.85 x budget < 3x, 3d = 0.95x < 1x' }],
    },
    {
      title:
        'ticket 3d/6h at 1x, just above (r = 1.05 x budget): after a 3d baseline B, 3d ratio = 1.05 x k/4320 crosses 1x at ' +
        'k = 68.6h; r < 3x so neither the 1d/2h pair nor a page fires. Errors stop at B+72h: the 6h ratio is 0 by B+78h.',
      intervalMinutes: 5,
      phases: [
        { minutes: 3 * DAY, errorRatio: 0 },
        { minutes: 3 * DAY, errorRatio: 1.05 },
        { minutes: 6 * HOUR, errorRatio: 0 },
      ],
      checks: [
        { at: 3 * DAY + 66 * HOUR, fires: null, why: '3d ratio = 1.05 x 66/72 = 0.9625 x budget < 1x' },
        { at: 6 * DAY, fires: 'ticket', why: '3d and 6h ratios = 1.05 x budget > 1x' },
        { at: 6 * DAY + 6 * HOUR, fires: null, why: 'recovered: 6h ratio = 0 within the 6h short window' },
      ],
    },
    {
      title: 'ticket 3d/6h at 1x, just below (r = 0.95 x budget): 3d ratio <= 0.95x < 1x: nothing fires.',
      intervalMinutes: 5,
      phases: [
        { minutes: 3 * DAY, errorRatio: 0 },
        { minutes: 3 * DAY + 6 * HOUR, errorRatio: 0.95 },
      ],
      checks: [
        { at: 6 * DAY, fires: null, why: '3d ratio = 0.95 x budget < 1x' },
        { at: 6 * DAY + 6 * HOUR, fires: null, why: '3d ratio = 0.95 x budget < 1x' },
      ],
    },
  ];
}

/**
 * Min-traffic guard: every event bad, but fewer events in any long window than min_events. No
 * baseline, so every window holds only this hour of data and no pair (page or ticket) may fire.
 */
function guardScenario(minEvents: number): Scenario {
  const perMinute = clean(minEvents / 2 / 60);
  return {
    title:
      `traffic guard: every event bad, but only ${perMinute} events/min, i.e. ${minEvents / 2} in the first hour < ` +
      `min_events ${minEvents}: no alert (at 1 event a minute one failure would otherwise read as a 1000x burn).`,
    intervalMinutes: 1,
    phases: [{ minutes: 60, errorRatio: -1, perMinute }],
    checks: [{ at: 60, fires: null, why: `events in every long window <= ${minEvents / 2} < ${minEvents}` }],
  };
}

function num(x: number): string {
  return String(clean(x));
}

/** A cumulative counter as promtool expanding notation: `0 a+bxn …`. */
export function counterValues(increments: readonly { perStep: number; steps: number }[]): string {
  let value = 0;
  const parts = ['0'];
  for (const { perStep, steps } of increments) {
    if (steps <= 0) {
      continue;
    }
    parts.push(`${num(value + perStep)}+${num(perStep)}x${steps - 1}`);
    value = clean(value + perStep * steps);
  }
  return parts.join(' ');
}

/** Per-step increment of one fixture series in one phase (its `share` of the events it counts). */
function increment(series: TestSeries, valid: number, ratio: number): number {
  const bad = ratio < 0 ? valid : valid * ratio;
  const share = series.share ?? 1;
  switch (series.counts) {
    case 'good':
      return (valid - bad) * share;
    case 'bad':
      return bad * share;
    case 'all':
    case 'ignored':
      return valid * share;
  }
}

function inputSeries(
  fixture: readonly TestSeries[],
  scenario: Scenario,
  budget: number,
): { series: string; values: string }[] {
  return fixture.map((f) => ({
    series: f.series,
    values: counterValues(
      scenario.phases.map((p) => {
        const valid = (p.perMinute ?? EVENTS_PER_MINUTE) * scenario.intervalMinutes;
        const ratio = p.errorRatio < 0 ? -1 : Math.min(1, p.errorRatio * budget);
        return { perStep: increment(f, valid, ratio), steps: p.minutes / scenario.intervalMinutes };
      }),
    ),
  }));
}

/** Test series of an SLO: its own, or for a latency SLI with none, count = all and bucket(le) = good. */
export function fixtureOf(slo: Slo): TestSeries[] {
  if (slo.test_series) {
    return slo.test_series;
  }
  const sli = slo.sli.latency!;
  const equalities = [...sli.selector.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!=|!~|=)\s*"([^"]*)"/g)]
    .filter((m) => m[2] === '=')
    .map((m) => `${m[1]}="${m[3]}"`);
  const labels = equalities.join(',');
  return [
    { series: `${sli.histogram}_count{${labels}}`, counts: 'all' },
    {
      series: `${sli.histogram}_bucket{${[labels, `le="${sli.threshold_seconds}"`].filter(Boolean).join(',')}}`,
      counts: 'good',
    },
  ];
}

function expectedLabels(ctx: SloContext, severity: 'page' | 'ticket'): Record<string, string> {
  const a = ctx.slo.alerting;
  const config = severity === 'page' ? a.page_alert : a.ticket_alert;
  return { ...ctx.labels, ...a.labels, ...config.labels, severity, sloth_severity: severity };
}

function testCase(ctx: SloContext, scenario: Scenario): PromtoolTestCase {
  return {
    interval: `${scenario.intervalMinutes}m`,
    name: `${ctx.id}: ${scenario.title}`,
    input_series: inputSeries(fixtureOf(ctx.slo), scenario, ctx.budget),
    alert_rule_test: scenario.checks.map((c) => ({
      eval_time: `${c.at}m`,
      alertname: ctx.slo.alerting.name,
      exp_alerts:
        c.fires === null
          ? []
          : [
              {
                exp_labels: expectedLabels(ctx, c.fires),
                exp_annotations: burnAnnotations(ctx, c.fires, PRODUCTION),
              },
            ],
    })),
  };
}

/**
 * Prometheus 3 stores classic-histogram `le` as floats (`le="1.0"`); the recording rules must give the
 * same ratio for either spelling. Only meaningful for integer thresholds.
 */
function leNormalisationCase(ctx: SloContext): PromtoolTestCase | null {
  const sli = ctx.slo.sli.latency;
  if (!sli || !Number.isInteger(sli.threshold_seconds)) {
    return null;
  }
  const plain = `le="${sli.threshold_seconds}"`;
  const normalised = `le="${sli.threshold_seconds}.0"`;
  const scenario: Scenario = {
    title: `Prometheus-3 le normalisation: the good bucket spelled ${normalised}; a quarter of the events are bad`,
    intervalMinutes: 1,
    phases: [{ minutes: 20, errorRatio: 0.25 / ctx.budget }],
    checks: [],
  };
  const series = inputSeries(fixtureOf(ctx.slo), scenario, ctx.budget).map((s) => ({
    ...s,
    series: s.series.replace(plain, normalised),
  }));
  const labels = { ...ctx.labels, sloth_window: '5m' };
  return {
    interval: '1m',
    name: `${ctx.id}: ${scenario.title}`,
    input_series: series,
    alert_rule_test: [],
    promql_expr_test: [
      {
        // Rounded: rate() arithmetic leaves float noise (0.25000000000000006).
        expr: `round(slo:sli_error:ratio_rate5m{sloth_id="${ctx.id}"}, 0.000001)`,
        eval_time: '20m',
        exp_samples: [
          {
            labels: `{${Object.entries(labels)
              .sort(([a], [b]) => a.localeCompare(b))
              .map(([k, v]) => `${k}="${v}"`)
              .join(',')}}`,
            value: 0.25,
          },
        ],
      },
    ],
  };
}

/**
 * No data at all: the SLI's total series is absent, so `SLOSignalAbsent` is pending from the first
 * evaluation and fires once it has been absent for its `for`; traffic arriving clears it at once.
 */
function absentCase(ctx: SloContext): PromtoolTestCase {
  const alert = absentAlert(ctx, PRODUCTION);
  const forMinutes = parseDuration(alert.for!) / 60;
  const fixture = fixtureOf(ctx.slo);
  const firingAt = Math.ceil(forMinutes / 5) * 5;
  const silent = firingAt + 10;
  const valid = EVENTS_PER_MINUTE;
  return {
    interval: '1m',
    name: `${ctx.id}: no data for ${alert.for} fires ${alert.alert} (${alert.labels.severity}); data arriving at ${silent}m clears it`,
    input_series: fixture.map((f) => ({
      series: f.series,
      // absent (_) until `silent` minutes, then a healthy counter.
      values: `_x${silent} ${counterValues([{ perStep: increment(f, valid, 0), steps: 20 }]).replace(/^0 /, '')}`,
    })),
    alert_rule_test: [
      { eval_time: `${firingAt - 5}m`, alertname: alert.alert, exp_alerts: [] },
      {
        eval_time: `${firingAt}m`,
        alertname: alert.alert,
        exp_alerts: [{ exp_labels: { ...alert.labels }, exp_annotations: { ...alert.annotations } }],
      },
      { eval_time: `${silent + 10}m`, alertname: alert.alert, exp_alerts: [] },
    ],
  };
}

/** The page-tier and ticket-tier test files of one rule file's SLOs. */
export function promtoolTests(
  contexts: readonly SloContext[],
  ruleFile: string,
  groupOrder: string[],
): { page: PromtoolTestFile; ticket: PromtoolTestFile } {
  const page: PromtoolTestCase[] = [];
  const ticket: PromtoolTestCase[] = [];
  for (const ctx of contexts) {
    if (!ctx.slo.alerting.page_alert.disable) {
      page.push(...pageScenarios().map((s) => testCase(ctx, s)));
      if (ctx.slo.alerting.min_events !== undefined) {
        page.push(testCase(ctx, guardScenario(ctx.slo.alerting.min_events)));
      }
    }
    if (!ctx.slo.alerting.ticket_alert.disable) {
      ticket.push(...ticketScenarios().map((s) => testCase(ctx, s)));
    }
    page.push(absentCase(ctx));
    const le = leNormalisationCase(ctx);
    if (le) {
      page.push(le);
    }
  }
  return {
    page: { rule_files: [ruleFile], evaluation_interval: '5m', group_eval_order: groupOrder, tests: page },
    ticket: {
      rule_files: [ruleFile],
      evaluation_interval: '30m',
      group_eval_order: groupOrder,
      tests: ticket,
    },
  };
}
