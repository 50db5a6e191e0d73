import { divideDuration, parseDuration } from '../spec/duration';
import type { Severity, Slo, SloSpec } from '../spec/schema';
import { type AlertingRule, clean, type RecordingRule, type RuleGroup } from './rule-types';
import { atWindow, sliQueries } from './sli-queries';
import {
  BURN_TIERS,
  type BurnTier,
  type RuleMode,
  SLI_WINDOWS,
  SLO_PERIOD,
  SLO_PERIOD_DAYS,
} from './windows';

/** Grafana base URL of the docker-compose stack (dashboard_url annotations). */
export const GRAFANA_URL = 'http://localhost:3000';
/** Name of the alert that fires when an SLI has no data at all. */
export const ABSENT_ALERT = 'SLOSignalAbsent';

/** Everything the rules of one SLO need, derived once from the spec. */
export interface SloContext {
  readonly spec: SloSpec;
  readonly slo: Slo;
  /** `<service>-<slo>`: the `sloth_id` label and the Alertmanager inhibition key. */
  readonly id: string;
  /** Allowed bad fraction: 1 − objective. */
  readonly budget: number;
  readonly labels: Readonly<Record<string, string>>;
}

export function sloContext(spec: SloSpec, slo: Slo): SloContext {
  const id = `${spec.service}-${slo.name}`;
  return {
    spec,
    slo,
    id,
    budget: clean(1 - slo.objective / 100),
    labels: {
      ...spec.labels,
      ...slo.labels,
      sloth_id: id,
      sloth_service: spec.service,
      sloth_slo: slo.name,
    },
  };
}

/** The real range for a nominal window in this mode (`1h` → `1m` in a drill). */
export function rangeOf(window: string, mode: RuleMode): string {
  return mode.divisor === 1 ? window : divideDuration(window, mode.divisor);
}

function idSelector(ctx: SloContext): string {
  return `{sloth_id="${ctx.id}"}`;
}

/** `slo:sli_error:ratio_rate<w>` and `slo:sli_total:rate<w>` for every window and the period. */
export function sliRecordingRules(ctx: SloContext, mode: RuleMode): RecordingRule[] {
  const q = sliQueries(ctx.slo);
  const rules: RecordingRule[] = [];
  for (const window of [...SLI_WINDOWS, SLO_PERIOD]) {
    const range = rangeOf(window, mode);
    const labels = { ...ctx.labels, sloth_window: window };
    // clamp_max: an error ratio above 1 is meaningless (an upper-bound SLI such as feed-quality's can
    // count a request twice); every threshold is far below 1, so alerting is unchanged.
    rules.push({
      record: `slo:sli_error:ratio_rate${window}`,
      expr: `clamp_max(\n  (\n    ${atWindow(q.error, range)}\n  )\n  /\n  (\n    ${atWindow(q.total, range)}\n  ),\n  1\n)\n`,
      labels,
    });
    rules.push({ record: `slo:sli_total:rate${window}`, expr: `${atWindow(q.total, range)}\n`, labels });
  }
  return rules;
}

/** Objective, budget, period, burn rates and budget remaining (Sloth's meta recordings). */
export function metaRecordingRules(ctx: SloContext): RecordingRule[] {
  const sel = idSelector(ctx);
  return [
    { record: 'slo:objective:ratio', expr: `vector(${clean(ctx.slo.objective / 100)})`, labels: ctx.labels },
    { record: 'slo:error_budget:ratio', expr: `vector(${ctx.budget})`, labels: ctx.labels },
    { record: 'slo:time_period:days', expr: `vector(${SLO_PERIOD_DAYS})`, labels: ctx.labels },
    {
      record: 'slo:current_burn_rate:ratio',
      expr: `slo:sli_error:ratio_rate5m${sel} / ${ctx.budget}`,
      labels: ctx.labels,
    },
    {
      record: 'slo:period_burn_rate:ratio',
      expr: `slo:sli_error:ratio_rate${SLO_PERIOD}${sel} / ${ctx.budget}`,
      labels: ctx.labels,
    },
    {
      record: 'slo:period_error_budget_remaining:ratio',
      expr: `1 - slo:period_burn_rate:ratio${sel}`,
      labels: ctx.labels,
    },
    {
      record: 'sloth_slo_info',
      expr: 'vector(1)',
      labels: { ...ctx.labels, sloth_objective: String(ctx.slo.objective) },
    },
  ];
}

/** Threshold of a tier as PromQL, arithmetic visible: `(14.4 * 0.001)`. */
export function tierThreshold(ctx: SloContext, tier: BurnTier): string {
  return `(${tier.factor} * ${ctx.budget})`;
}

function pairExpr(ctx: SloContext, tier: BurnTier, mode: RuleMode): string {
  const sel = idSelector(ctx);
  const threshold = tierThreshold(ctx, tier);
  const lines = [
    `max(slo:sli_error:ratio_rate${tier.short}${sel} > ${threshold}) without (sloth_window)`,
    `max(slo:sli_error:ratio_rate${tier.long}${sel} > ${threshold}) without (sloth_window)`,
  ];
  const min = ctx.slo.alerting.min_events;
  if (min !== undefined) {
    const seconds = parseDuration(rangeOf(tier.long, mode));
    lines.push(`max(slo:sli_total:rate${tier.long}${sel} * ${seconds} >= ${min}) without (sloth_window)`);
  }
  return `(\n  ${lines.join('\n  and\n  ')}\n)`;
}

function pct(x: number): string {
  return `${clean(x * 100)}%`;
}

/** The numbers a responder needs, in words: thresholds, windows, budget consumed when it fires. */
export function tierDescription(ctx: SloContext, severity: Severity): string {
  return BURN_TIERS.filter((t) => t.severity === severity)
    .map((t) => {
      const spent = clean((t.factor * parseDuration(t.long)) / parseDuration(SLO_PERIOD));
      return `${t.factor}× (error ratio > ${pct(t.factor * ctx.budget)} over ${t.long} and ${t.short}; ${pct(spent)} of the ${SLO_PERIOD} budget spent by then)`;
    })
    .join(' or ');
}

export function dashboardUrl(uid: string): string {
  return `${GRAFANA_URL}/d/${uid}`;
}

/**
 * Annotations of a burn-rate alert. Static text with the numbers that matter (objective, budget, each
 * pair's threshold and budget spent when it fires), so promtool tests can assert them exactly; the live
 * ratios are one click away on the dashboard.
 */
export function burnAnnotations(ctx: SloContext, severity: Severity, mode: RuleMode): Record<string, string> {
  const alerting = ctx.slo.alerting;
  const config = severity === 'page' ? alerting.page_alert : alerting.ticket_alert;
  return {
    summary: `${ctx.spec.service} ${ctx.slo.name}: error budget burning ${severity === 'page' ? 'fast' : 'steadily'} (objective ${ctx.slo.objective}%, budget ${pct(ctx.budget)} of events over ${SLO_PERIOD})`,
    description: `${ctx.slo.description.trim()} Fires at ${tierDescription(ctx, severity)}.${mode.kind === 'drill' ? ` DRILL rule set: every window divided by ${mode.divisor}.` : ''}`,
    runbook_url: alerting.runbook,
    dashboard_url: dashboardUrl(alerting.dashboard),
    ...alerting.annotations,
    ...config.annotations,
  };
}

function burnAlert(ctx: SloContext, severity: Severity, mode: RuleMode): AlertingRule | null {
  const alerting = ctx.slo.alerting;
  const config = severity === 'page' ? alerting.page_alert : alerting.ticket_alert;
  if (config.disable) {
    return null;
  }
  const tiers = BURN_TIERS.filter((t) => t.severity === severity);
  const drill: Record<string, string> = mode.kind === 'drill' ? { drill: 'true' } : {};
  return {
    alert: alerting.name,
    expr: `${tiers.map((t) => pairExpr(ctx, t, mode)).join('\nor\n')}\n`,
    labels: {
      ...ctx.labels,
      ...alerting.labels,
      ...config.labels,
      severity,
      sloth_severity: severity,
      ...drill,
    },
    annotations: burnAnnotations(ctx, severity, mode),
  };
}

export function absentAlert(ctx: SloContext, mode: RuleMode): AlertingRule {
  const absent = ctx.slo.alerting.absent_alert;
  return {
    alert: ABSENT_ALERT,
    expr: `absent(slo:sli_total:rate5m${idSelector(ctx)})\n`,
    for: rangeOf(absent.for, mode),
    labels: {
      ...ctx.labels,
      severity: absent.severity,
      ...(mode.kind === 'drill' ? { drill: 'true' } : {}),
    },
    annotations: {
      summary: `${ctx.spec.service} ${ctx.slo.name}: the SLI has had no data for ${absent.for} — burn-rate alerts for it cannot fire`,
      description:
        'slo:sli_total:rate5m is absent: the target is down or not scraped, or the SLI metric was renamed. ' +
        'Until it returns, this SLO is unmeasured.',
      runbook_url: `runbooks/${ABSENT_ALERT}.md`,
      dashboard_url: dashboardUrl(ctx.slo.alerting.dashboard),
    },
  };
}

/** The three rule groups of one SLO (as Sloth lays them out). */
export function sloRuleGroups(ctx: SloContext, mode: RuleMode): RuleGroup[] {
  const suffix = mode.kind === 'drill' ? '-drill' : '';
  const alerts = [
    burnAlert(ctx, 'page', mode),
    burnAlert(ctx, 'ticket', mode),
    absentAlert(ctx, mode),
  ].filter((a): a is AlertingRule => a !== null);
  return [
    { name: `slo-sli-recordings-${ctx.id}${suffix}`, rules: sliRecordingRules(ctx, mode) },
    { name: `slo-meta-recordings-${ctx.id}${suffix}`, rules: metaRecordingRules(ctx) },
    { name: `slo-alerts-${ctx.id}${suffix}`, rules: alerts },
  ];
}
