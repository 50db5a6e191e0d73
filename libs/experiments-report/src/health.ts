/**
 * Health checks (shown first: an unhealthy experiment's metrics cannot be trusted): SRM on assignments
 * and on first exposures per period (χ² against the configured weights of the arms active in the
 * period), the assignment → exposure funnel, SRM by day, multiple exposures, traffic to unknown
 * variants, and the sample against `minimum_sample_per_arm`. All tests are experiments-stats functions.
 */
import {
  checkMinimumSample,
  checkMultipleExposure,
  srmByDay,
  srmFunnel,
  srmTest,
  type SrmResult,
} from '@foryou/experiments-stats';
import { finite } from './compare';
import type { PeriodInput, ReportInputs } from './inputs';
import type { FunnelCheck, HealthReport, SrmCheck, SrmDayPoint } from './types';
import { healthStatus, type HealthIssue } from './verdicts';
import { activeWeights } from './windows';

function srmCheck(label: string, period: number, arms: readonly string[], r: SrmResult): SrmCheck {
  return {
    label,
    period,
    arms,
    observed: r.observed,
    weights: r.weights,
    expected: r.expected.map((e) => finite(e)),
    chiSquare: finite(r.chiSquare),
    df: r.df,
    pValue: finite(r.pValue),
    judged: r.judged,
    flagged: r.flagged,
    reasons: r.reasons,
  };
}

function p(x: number | null): string {
  return x === null ? 'n/a' : x < 1e-4 ? x.toExponential(2) : x.toPrecision(3);
}

function periodLabel(period: PeriodInput, periods: number): string {
  return periods > 1 ? ` (period ${period.index + 1})` : '';
}

function describeFlag(check: SrmCheck, suffix: string, threshold: number): string {
  const parts: string[] = [];
  if (check.reasons.includes('p-value')) {
    parts.push(`p = ${p(check.pValue)} < ${threshold}`);
  }
  if (check.reasons.includes('traffic-in-zero-weight-arm')) {
    const killed = check.arms.filter((_, i) => check.weights[i] === 0 && (check.observed[i] ?? 0) > 0);
    parts.push(`traffic in killed or zero-weight arm(s) ${killed.join(', ')}`);
  }
  return `SRM on ${check.label}${suffix}: ${parts.join('; ')} (observed ${check.observed.join(' / ')})`;
}

export interface HealthInput {
  readonly inputs: ReportInputs;
  readonly arms: readonly string[];
  /** ITT units of the primary metric per arm in its comparison window. */
  readonly sample: readonly { readonly arm: string; readonly n: number }[];
}

export function buildHealth({ inputs, arms, sample }: HealthInput): {
  report: HealthReport;
  issues: HealthIssue[];
} {
  const { definition, kills } = inputs;
  const threshold = definition.analysis.srm_threshold;
  const options = { threshold };
  const issues: HealthIssue[] = [];
  const srm: SrmCheck[] = [];
  const funnel: FunnelCheck[] = [];
  const days: SrmDayPoint[] = [];
  let judgedDays = 0;
  const unlisted: Record<string, number> = {};

  for (const period of inputs.periods) {
    const weights = activeWeights(definition, arms, kills, period.from);
    const suffix = periodLabel(period, inputs.periods.length);
    for (const [label, observed] of [
      ['assignments', period.assignments],
      ['first exposures', period.firstExposures],
    ] as const) {
      const check = srmCheck(label, period.index, arms, srmTest(observed, weights, options));
      srm.push(check);
      if (check.flagged) {
        issues.push({ severity: 'unhealthy', message: describeFlag(check, suffix, threshold) });
      }
    }
    const f = srmFunnel(period.funnel.assigned, period.funnel.exposed, options);
    const check: FunnelCheck = {
      ...srmCheck('assignment → exposure funnel', period.index, arms, f),
      assigned: period.funnel.assigned,
      triggered: period.funnel.triggered,
      exposureRates: f.exposureRates.map((r) => finite(r)),
      exposedWithoutAssignment: period.funnel.exposedWithoutAssignment,
    };
    funnel.push(check);
    if (check.flagged) {
      issues.push({
        severity: 'unhealthy',
        message: `exposure rates differ between arms${suffix}: p = ${p(check.pValue)} (rates ${check.exposureRates
          .map((r) => (r === null ? 'n/a' : `${(100 * r).toFixed(1)}%`))
          .join(' / ')}): trigger or logging bias`,
      });
    }
    const byDay = srmByDay(period.firstExposuresByDay, weights, options);
    for (const d of byDay.days) {
      judgedDays += d.judged ? 1 : 0;
      days.push({
        day: d.day,
        period: period.index,
        observed: d.observed,
        pValue: finite(d.pValue),
        judged: d.judged,
        flagged: d.flagged,
      });
    }
    for (const [variant, n] of Object.entries(period.unlisted)) {
      unlisted[variant] = (unlisted[variant] ?? 0) + n;
    }
  }

  const judged = days.filter((d) => d.judged && d.pValue !== null);
  const worst = judged.reduce<SrmDayPoint | null>(
    (w, d) => (w === null || (d.pValue ?? 1) < (w.pValue ?? 1) ? d : w),
    null,
  );
  // Bonferroni over every judged day of every period (srmByDay does the same within one period).
  const bonferroniP =
    worst?.pValue === null || worst === null ? null : Math.min(1, worst.pValue * judgedDays);
  const flaggedDays = days.filter((d) => d.flagged).map((d) => d.day);
  if (worst !== null && bonferroniP !== null && bonferroniP < threshold) {
    issues.push({
      severity: 'unhealthy',
      message: `SRM on ${worst.day}: p = ${p(worst.pValue)}, ${p(bonferroniP)} after Bonferroni over ${judgedDays} days`,
    });
  } else if (flaggedDays.length > 0) {
    issues.push({
      severity: 'warning',
      message: `day(s) ${flaggedDays.join(', ')} flagged on their own, not after Bonferroni over ${judgedDays} days`,
    });
  }

  const m = inputs.multipleExposure;
  const multiple = checkMultipleExposure(m);
  if (multiple.unhealthy) {
    issues.push({
      severity: 'unhealthy',
      message: `${m.unitsMultipleExposed} of ${m.unitsExposed} exposed units (${(100 * multiple.rate).toFixed(2)}%) saw more than one variant (threshold ${100 * multiple.threshold}%)`,
    });
  }
  if (m.unitsWithoutAssignment > 0) {
    issues.push({
      severity: 'warning',
      message: `${m.unitsWithoutAssignment} exposed unit(s) have no assignment (logging or join bug); they are not analysed`,
    });
  }
  const unknown = Object.entries(unlisted);
  if (unknown.length > 0) {
    issues.push({
      severity: 'unhealthy',
      message: `first exposures in variants the definition does not have: ${unknown.map(([v, n]) => `${v} (${n})`).join(', ')}`,
    });
  }

  const minimum = checkMinimumSample(
    sample.map((s) => s.n),
    definition.minimum_sample_per_arm,
  );
  const order: Record<HealthIssue['severity'], number> = { unhealthy: 0, warning: 1 };
  issues.sort((a, b) => order[a.severity] - order[b.severity]);
  return {
    issues,
    report: {
      status: healthStatus(issues),
      issues: issues.map((i) => i.message),
      srm,
      funnel,
      srmByDay: {
        days,
        worstDay: worst === null ? null : { day: worst.day, pValue: worst.pValue, bonferroniP },
        flaggedDays,
        threshold,
      },
      multipleExposure: {
        unitsExposed: m.unitsExposed,
        unitsMultipleExposed: m.unitsMultipleExposed,
        rate: finite(multiple.rate),
        threshold: multiple.threshold,
        judged: multiple.judged,
        unhealthy: multiple.unhealthy,
        unitsVariantMismatch: m.unitsVariantMismatch,
        unitsWithoutAssignment: m.unitsWithoutAssignment,
        multipleByArm: m.multipleByArm,
      },
      minimumSample: {
        required: minimum.required,
        arms: minimum.arms.map((a) => ({
          arm: sample[a.arm]?.arm ?? '?',
          n: a.n,
          shortfall: a.shortfall,
          ok: a.ok,
        })),
        ok: minimum.ok,
      },
      unlisted,
    },
  };
}
