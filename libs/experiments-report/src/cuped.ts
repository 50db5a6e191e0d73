/**
 * CUPED's effect on the width of the primary metric's interval (`cupedTest`, pooled θ). experiments-
 * stats adjusts per-unit means, so for a ratio metric the adjusted quantity is its per-viewer numerator
 * (e.g. engagements per viewer), a different estimand that the report states.
 */
import type { ExperimentDefinition } from '@foryou/experiments';
import { cupedTest } from '@foryou/experiments-stats';
import { effect, finite } from './compare';
import type { ComparisonWindowInput } from './inputs';
import { describeMeasure, planMetric } from './metric-plan';
import type { CupedReport, Effect, Num } from './types';

function width(e: Effect): Num {
  return e.ci[0] === null || e.ci[1] === null ? null : e.ci[1] - e.ci[0];
}

export function buildCuped(
  definition: ExperimentDefinition,
  windows: readonly ComparisonWindowInput[],
  covariate: string | null,
): CupedReport | null {
  const metric = definition.primary_metric;
  const plan = planMetric(metric);
  if (covariate === null || plan.kind === 'quantile') {
    return null;
  }
  const estimand =
    plan.kind === 'ratio'
      ? `per-viewer mean of the numerator of ${metric.key} (${describeMeasure({ ...metric, denominator: 'units' })}), x = ${covariate} before the experiment`
      : `per-viewer mean of ${metric.key}, x = ${covariate} before the experiment`;
  const comparisons: CupedReport['comparisons'][number][] = [];
  for (const window of windows) {
    if (window.cuped === null) {
      continue;
    }
    for (const population of ['itt', 'triggered'] as const) {
      const moments = window.cuped[population];
      const control = moments[0];
      window.arms.forEach((treatment, t) => {
        const m = moments[t];
        if (t === 0 || control === undefined || m === undefined) {
          return;
        }
        if (control.n < 2 || m.n < 2) {
          return;
        }
        const r = cupedTest(control, m, { alpha: definition.analysis.alpha });
        const unadjusted = effect(r.unadjusted.absolute);
        const adjusted = effect(r.adjusted.absolute);
        comparisons.push({
          treatment,
          population,
          theta: finite(r.theta),
          correlation: finite(r.pooledCorrelation),
          varianceReduction: finite(r.varianceReduction),
          unadjusted,
          adjusted,
          ciWidthUnadjusted: width(unadjusted),
          ciWidthAdjusted: width(adjusted),
          ciWidthRatio: finite(r.ciWidthRatio),
          fallback: r.fallback,
          note: r.fallback ? 'no variance in the covariate or the metric: no adjustment (θ = 0)' : null,
        });
      });
    }
  }
  return { metric: metric.key, covariate, estimand, comparisons };
}
