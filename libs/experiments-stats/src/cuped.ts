/**
 * CUPED (Deng, Xu, Kohavi & Walker 2013): variance reduction with a pre-period covariate x.
 *
 * Estimand: the same Δ = μ_T − μ_C as the unadjusted test (x is measured before assignment, so
 * E[x̄_T − x̄_C] = 0 and the adjustment removes noise, not signal).
 * Formulas (experiments.md §3; GrowthBook gbstats `models/statistics.py` `compute_theta`):
 *   θ = cov(y, x)/var(x) over the POOLED units of both arms (arms summed, arm labels ignored);
 *       θ = 0 (no adjustment, `fallback`) when the pooled var(x) or var(y) is 0.
 *   adjusted arm mean  ȳ − θ x̄;  per-unit variance s_y² + θ² s_x² − 2θ s_xy
 *   Δ_cv = (ȳ_T − θx̄_T) − (ȳ_C − θx̄_C);  Var(Δ_cv) = Σ_arms (s_y² + θ²s_x² − 2θ s_xy)/n_arm
 *   Welch df from the adjusted per-unit variances; p and CI as in {@link welchTest}.
 *   Relative lift Δ_cv/|ȳ_C| divides by the UNADJUSTED control mean; its delta-method variance
 *   uses the exact gradient of (ȳ_T − θx̄_T − ȳ_C + θx̄_C)/ȳ_C with θ held fixed:
 *     Var = (s_yT² + θ²s_xT² − 2θ s_xyT)/(n_T ȳ_C²)
 *         + (g² s_yC²/ȳ_C⁴ + θ² s_xC²/ȳ_C² − 2gθ s_xyC/ȳ_C³)/n_C,   g = ȳ_T − θ(x̄_T − x̄_C).
 *   (GrowthBook's `frequentist_variance_relative_cuped` uses g ≈ ȳ_T, the same to first order.)
 * Variance reduction reported as 1 − Var(Δ_cv)/Var(Δ) (≈ ρ² for large n).
 */
import { addBivariate, assertAlpha, assertBivariate, sampleCovariance, sampleVariance } from './moments';
import type { BivariateMoments, ComparisonResult, EffectEstimate } from './types';
import { compareArms, tEffect, welchDf } from './welch';

export interface CupedArm {
  readonly n: number;
  /** ȳ, the unadjusted mean of the in-experiment metric. */
  readonly meanY: number;
  /** x̄, the mean of the pre-period covariate. */
  readonly meanX: number;
  readonly varianceY: number;
  readonly varianceX: number;
  readonly covarianceXY: number;
  /** ȳ − θ x̄ */
  readonly adjustedMean: number;
  /** Per-unit variance of y − θx: s_y² + θ² s_x² − 2θ s_xy. */
  readonly adjustedVariance: number;
}

export interface CupedEffects {
  readonly df: number;
  readonly nTotal: number;
  readonly absolute: EffectEstimate;
  readonly relative: EffectEstimate | null;
}

export interface CupedResult {
  readonly theta: number;
  /** True when θ was forced to 0 because the pooled pre-period (or metric) variance is 0. */
  readonly fallback: boolean;
  /** Pooled correlation of y and x (NaN when either variance is 0). */
  readonly pooledCorrelation: number;
  readonly control: CupedArm;
  readonly treatment: CupedArm;
  readonly adjusted: CupedEffects;
  readonly unadjusted: ComparisonResult;
  /** 1 − Var(Δ_cv)/Var(Δ): the share of the variance of the difference removed by CUPED. */
  readonly varianceReduction: number;
  /** Width of the adjusted CI over the width of the unadjusted CI (same alpha). */
  readonly ciWidthRatio: number;
}

export interface CupedOptions {
  readonly alpha?: number;
  /** Use this θ instead of the pooled estimate (e.g. one θ pooled over all arms of a k-arm test). */
  readonly theta?: number;
}

/**
 * θ = cov(y, x)/var(x) over all units of the given arms pooled together (n − 1 denominators).
 * Returns 0 when the pooled var(x) or var(y) is 0 (GrowthBook's fallback).
 */
export function cupedTheta(arms: readonly BivariateMoments[]): number {
  const pooled = addBivariate(arms);
  const varX = sampleVariance(pooled.n, pooled.sumX, pooled.sumXSq);
  const varY = sampleVariance(pooled.n, pooled.sumY, pooled.sumYSq);
  if (varX === 0 || varY === 0) {
    return 0;
  }
  return sampleCovariance(pooled.n, pooled.sumX, pooled.sumY, pooled.sumXY) / varX;
}

function cupedArm(m: BivariateMoments, theta: number): CupedArm {
  const meanY = m.sumY / m.n;
  const meanX = m.sumX / m.n;
  const varianceY = sampleVariance(m.n, m.sumY, m.sumYSq);
  const varianceX = sampleVariance(m.n, m.sumX, m.sumXSq);
  const covarianceXY = sampleCovariance(m.n, m.sumX, m.sumY, m.sumXY);
  return {
    n: m.n,
    meanY,
    meanX,
    varianceY,
    varianceX,
    covarianceXY,
    adjustedMean: meanY - theta * meanX,
    adjustedVariance: Math.max(0, varianceY + theta * theta * varianceX - 2 * theta * covarianceXY),
  };
}

/**
 * CUPED-adjusted comparison of treatment vs control from per-arm {n, Σy, Σy², Σx, Σx², Σxy}
 * (y = metric in the experiment window, x = the same metric or a covariate in the pre-period).
 */
export function cupedTest(
  control: BivariateMoments,
  treatment: BivariateMoments,
  options: CupedOptions = {},
): CupedResult {
  const alpha = options.alpha ?? 0.05;
  assertAlpha(alpha, 'cupedTest');
  assertBivariate(control, 2, 'cupedTest(control)');
  assertBivariate(treatment, 2, 'cupedTest(treatment)');
  const pooled = addBivariate([control, treatment]);
  const pooledVarX = sampleVariance(pooled.n, pooled.sumX, pooled.sumXSq);
  const pooledVarY = sampleVariance(pooled.n, pooled.sumY, pooled.sumYSq);
  const pooledCov = sampleCovariance(pooled.n, pooled.sumX, pooled.sumY, pooled.sumXY);
  const degenerate = pooledVarX === 0 || pooledVarY === 0;
  let theta: number;
  if (options.theta === undefined) {
    theta = degenerate ? 0 : pooledCov / pooledVarX;
  } else {
    if (!Number.isFinite(options.theta)) {
      throw new RangeError('cupedTest: theta must be finite');
    }
    theta = options.theta;
  }
  const fallback = options.theta === undefined && degenerate;
  const pooledCorrelation = degenerate ? Number.NaN : pooledCov / Math.sqrt(pooledVarX * pooledVarY);

  const c = cupedArm(control, theta);
  const t = cupedArm(treatment, theta);
  const adjC = { n: c.n, mean: c.adjustedMean, variance: c.adjustedVariance };
  const adjT = { n: t.n, mean: t.adjustedMean, variance: t.adjustedVariance };
  const df = welchDf(adjC, adjT);
  const varDiff = c.adjustedVariance / c.n + t.adjustedVariance / t.n;
  const absolute = tEffect(t.adjustedMean - c.adjustedMean, Math.sqrt(varDiff), df, alpha);

  let relative: EffectEstimate | null = null;
  const yc = c.meanY;
  if (yc !== 0) {
    const g = t.meanY - theta * (t.meanX - c.meanX);
    const yc2 = yc * yc;
    const varRel =
      t.adjustedVariance / (t.n * yc2) +
      ((g * g * c.varianceY) / (yc2 * yc2) +
        (theta * theta * c.varianceX) / yc2 -
        (2 * g * theta * c.covarianceXY) / (yc2 * yc)) /
        c.n;
    relative = tEffect(absolute.estimate / Math.abs(yc), Math.sqrt(Math.max(0, varRel)), df, alpha);
  }

  const unadjusted = compareArms(
    { n: c.n, mean: c.meanY, variance: c.varianceY },
    { n: t.n, mean: t.meanY, variance: t.varianceY },
    alpha,
  );
  const varUnadj = unadjusted.absolute.se ** 2;
  const widthAdj = absolute.ci[1] - absolute.ci[0];
  const widthUnadj = unadjusted.absolute.ci[1] - unadjusted.absolute.ci[0];
  return {
    theta,
    fallback,
    pooledCorrelation,
    control: c,
    treatment: t,
    adjusted: { df, nTotal: c.n + t.n, absolute, relative },
    unadjusted,
    varianceReduction: varUnadj > 0 ? 1 - varDiff / varUnadj : Number.NaN,
    ciWidthRatio: widthUnadj > 0 ? widthAdj / widthUnadj : Number.NaN,
  };
}
