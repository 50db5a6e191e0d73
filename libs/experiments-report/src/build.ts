/**
 * `buildReport(inputs)`: the whole report from its inputs, pure and deterministic. Every number comes
 * from an experiments-stats function applied to the sufficient statistics in `inputs`, so
 * `buildReport(JSON.parse(JSON.stringify(report.inputs)))` reproduces the report (up to `generatedAt`
 * and `timings`), and `contentHash` identifies the inputs.
 */
import { killSwitchAction, type GuardrailLevel } from '@foryou/experiments';
import { armValue, compareMetric } from './compare';
import { buildCuped } from './cuped';
import { buildHealth } from './health';
import { fmtTime } from './format';
import { contentHash } from './hash';
import type { ComparisonWindowInput, ReportInputs } from './inputs';
import { buildMetrics, toComparison } from './metrics';
import { planMetric } from './metric-plan';
import { cumulativeSeries, dailyComparisons } from './sequential';
import { buildTimeline } from './timeline';
import {
  REPORT_SCHEMA_VERSION,
  type ArmValue,
  type CumulativeSeries,
  type ExperimentReport,
  type MetricReport,
  type PeriodReport,
  type Recommendation,
} from './types';
import { recommend } from './verdicts';
import { activeArms, armOrder, killEnds } from './windows';

export type BuiltReport = Omit<ExperimentReport, 'generatedAt' | 'timings'>;

function estimands(trigger: string): ExperimentReport['estimands'] {
  return {
    itt:
      'Every assigned viewer with at least one exposure in the window (served, or ' +
      'logged counterfactually), in the arm they were assigned to; outcomes attributed to their exposures. ' +
      'The effect of offering the change to the eligible population.',
    triggered:
      `The ITT viewers with at least one triggered exposure (${trigger}), counting only what ` +
      'happened from their first triggered exposure on, in both arms alike (control logs counterfactual ' +
      'exposures). The effect where the change could act: larger and more precise than ITT, not the ' +
      'population effect.',
  };
}

function triggerText(inputs: ReportInputs): string {
  const t = inputs.definition.trigger;
  if (t.description !== undefined) {
    return t.description;
  }
  return t.always === true ? 'every exposure' : 'the trigger predicates hold';
}

/** ITT units of the primary metric per arm, each from the window where the arm is compared. */
function primarySample(inputs: ReportInputs, arms: readonly string[]): { arm: string; n: number }[] {
  const key = inputs.definition.primary_metric.key;
  return arms.map((arm) => {
    const window = inputs.comparisons.find((w) => w.arms.includes(arm));
    const input = window?.metrics[key];
    const i = window?.arms.indexOf(arm) ?? -1;
    if (input === undefined || window === undefined || i < 0) {
      return { arm, n: 0 };
    }
    return { arm, n: armValue(input, 'itt', i, arm).n };
  });
}

function cumulativeFor(inputs: ReportInputs): CumulativeSeries[] {
  const primary = inputs.definition.primary_metric;
  const plan = planMetric(primary);
  if (plan.kind === 'quantile') {
    return [];
  }
  return inputs.comparisons.flatMap((window) => {
    const cumulative = window.cumulative[primary.key];
    if (cumulative === undefined) {
      return [];
    }
    return window.arms
      .slice(1)
      .map((treatment, k) =>
        cumulativeSeries(
          primary.key,
          treatment,
          dailyComparisons(cumulative, plan.kind, window.arms, 0, k + 1, inputs.definition.analysis.alpha),
          inputs.definition,
        ),
      );
  });
}

function periodsFor(inputs: ReportInputs, arms: readonly string[]): PeriodReport[] {
  const alpha = inputs.definition.analysis.alpha;
  const direction = inputs.definition.primary_metric.direction;
  return inputs.periods.map((period) => {
    const active = activeArms(arms, inputs.kills, period.from);
    const values: ArmValue[] = period.arms.map((arm, i) => armValue(period.primary, 'itt', i, arm));
    const comparisons = period.arms.slice(1).flatMap((treatment, k) => {
      const raw = compareMetric(period.primary, 'itt', period.arms, 0, k + 1, alpha);
      return raw.result === null ? [] : [{ treatment, itt: toComparison(raw, direction, alpha, null) }];
    });
    return {
      index: period.index,
      from: period.from,
      to: period.to,
      startedBy: period.startedBy,
      activeArms: active,
      primary: values,
      comparisons,
    };
  });
}

/** The kill that ended a treatment's comparison window early, if any. */
function killOf(inputs: ReportInputs, window: ComparisonWindowInput, treatment: string): string | null {
  return window.to === null || window.to === inputs.window.to
    ? null
    : (inputs.kills.find((k) => k.at === window.to && killEnds(k, treatment))?.killId ?? null);
}

function recommendations(
  inputs: ReportInputs,
  metrics: readonly MetricReport[],
  health: ReturnType<typeof buildHealth>,
  srmFlagged: boolean,
  sample: readonly { arm: string; n: number }[],
): Recommendation[] {
  const definition = inputs.definition;
  const primary = metrics.find((m) => m.role === 'primary');
  return inputs.comparisons.flatMap((window) =>
    window.arms.slice(1).map((treatment) => {
      const killId = killOf(inputs, window, treatment);
      const kill = inputs.kills.find((k) => k.killId === killId) ?? null;
      const pair = sample.filter((s) => s.arm === window.arms[0] || s.arm === treatment);
      const short = pair.filter((s) => s.n < definition.minimum_sample_per_arm);
      return recommend({
        treatment,
        killed: kill === null ? null : { at: fmtTime(kill.at), reason: kill.reason, actor: kill.actor },
        health: health.report.status,
        healthIssues: health.report.issues,
        srmAction: srmFlagged ? killSwitchAction(definition.kill_switch, { kind: 'srm' }) : null,
        minimumSample: {
          ok: short.length === 0,
          detail: short.map((s) => `${s.arm} ${s.n} < ${definition.minimum_sample_per_arm}`).join(', '),
        },
        primary: {
          key: definition.primary_metric.key,
          verdict:
            primary?.comparisons.find((c) => c.treatment === treatment)?.itt.verdict ?? 'not-computable',
        },
        guardrails: metrics
          .filter((m) => m.role === 'guardrail')
          .map((m) => {
            const g = m.comparisons.find((c) => c.treatment === treatment)?.guardrail ?? null;
            return {
              key: m.key,
              level: g?.level ?? null,
              nonInferiority: g?.nonInferiority ?? null,
              action: g?.action ?? 'none',
            };
          }),
      });
    }),
  );
}

export function buildReport(inputs: ReportInputs): BuiltReport {
  const definition = inputs.definition;
  const arms = armOrder(definition);
  const sample = primarySample(inputs, arms);
  const health = buildHealth({ inputs, arms, sample });
  const worstDay = health.report.srmByDay.worstDay;
  const srmFlagged =
    health.report.srm.some((c) => c.flagged) ||
    health.report.funnel.some((c) => c.flagged) ||
    (worstDay?.bonferroniP !== null &&
      worstDay?.bonferroniP !== undefined &&
      worstDay.bonferroniP < definition.analysis.srm_threshold);
  const { metrics, family } = buildMetrics(definition, inputs.comparisons);
  const guardrailLevels = metrics
    .flatMap((m) => m.comparisons.map((c) => c.guardrail?.level ?? null))
    .filter((l): l is GuardrailLevel => l !== null);
  const trigger = triggerText(inputs);
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    experiment: {
      key: definition.key,
      hypothesis: definition.hypothesis,
      owner: definition.owner,
      status: definition.status,
      arms: arms.map((key) => {
        const v = definition.variants.find((x) => x.key === key);
        return { key, weight: v?.weight ?? 0, description: v?.description ?? null };
      }),
      trigger,
      attributionWindowHours: definition.attribution_window_hours,
      minimumSamplePerArm: definition.minimum_sample_per_arm,
      alpha: definition.analysis.alpha,
      srmThreshold: definition.analysis.srm_threshold,
      nStar: definition.analysis.sequential.n_star,
    },
    window: {
      from: inputs.window.from,
      to: inputs.window.to,
      firstExposure: inputs.exposureSpan.first,
      lastExposure: inputs.exposureSpan.last,
      exposures: inputs.exposureSpan.exposures,
    },
    estimands: estimands(trigger),
    recommendations: recommendations(inputs, metrics, health, srmFlagged, sample),
    health: health.report,
    comparisonWindows: inputs.comparisons.map((w) => ({
      treatments: w.arms.slice(1),
      from: w.from,
      to: w.to,
    })),
    metrics,
    correction: {
      family,
      description:
        `Holm (family-wise) and Benjamini–Hochberg (false discovery rate) over the ${family.length} goal-metric ` +
        'comparisons (primary + secondaries × treatments), separately for ITT and triggered; verdicts use Holm at ' +
        `α = ${definition.analysis.alpha}. Guardrails are outside the family: they are judged on anytime-valid ` +
        'confidence sequences against their margins.',
    },
    cuped: buildCuped(definition, inputs.comparisons, inputs.covariate),
    cumulative: cumulativeFor(inputs),
    periods: periodsFor(inputs, arms),
    timeline: buildTimeline({ inputs, srmFlagged, guardrailLevels, unitsPerArm: sample.map((s) => s.n) }),
    inputs,
    contentHash: contentHash(inputs),
  };
}
