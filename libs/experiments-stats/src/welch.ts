/**
 * Welch's unequal-variance t-test on sufficient statistics, with absolute and relative lift.
 *
 * Estimand: Δ = μ_T − μ_C (absolute) and Δ/|μ_C| (relative), μ = the per-unit population mean.
 * Formulas (experiments.md §3, GrowthBook gbstats `frequentist/tests.py`):
 *   s² = (Σy² − (Σy)²/n)/(n−1);  SE² = s_C²/n_C + s_T²/n_T
 *   ν  = SE⁴ / [(s_C²/n_C)²/(n_C−1) + (s_T²/n_T)²/(n_T−1)]   (Welch–Satterthwaite)
 *   t  = Δ̂/SE;  p = I_{ν/(ν+t²)}(ν/2, ½);  CI = Δ̂ ± t_{1−α/2,ν}·SE
 *   relative: r̂ = (ȳ_T − ȳ_C)/|ȳ_C|,  Var(r̂) ≈ s_T²/(n_T ȳ_C²) + ȳ_T² s_C²/(n_C ȳ_C⁴)  (delta
 *   method), tested and interval-estimated with the same ν.
 */
import { assertAlpha, assertUnivariate, sampleVariance } from './moments';
import { studentTwoSidedP, tQuantile } from './special';
import type { ArmEstimate, ComparisonResult, EffectEstimate, UnivariateMoments } from './types';

/**
 * How the per-unit variance of an arm is estimated from its moments.
 * - `sample`: the unbiased sample variance (n − 1 denominator). Default.
 * - `bernoulli`: p(1 − p) with p = Σy/n and no n − 1, GrowthBook's convention for 0/1 metrics
 *   (its `ProportionStatistic`); only valid when y ∈ {0, 1}.
 */
export type VarianceEstimator = 'sample' | 'bernoulli';

export interface WelchOptions {
  /** Two-sided significance level of the CIs. Default 0.05. */
  readonly alpha?: number;
  /** Default `sample`. */
  readonly variance?: VarianceEstimator;
}

/** Reduces an arm's moments to {n, mean, per-unit variance}. Requires n ≥ 2. */
export function armEstimate(m: UnivariateMoments, variance: VarianceEstimator = 'sample'): ArmEstimate {
  assertUnivariate(m, 2, 'armEstimate');
  const mean = m.sum / m.n;
  if (variance === 'bernoulli') {
    if (mean < 0 || mean > 1) {
      throw new RangeError(`armEstimate: bernoulli variance needs a mean in [0, 1] (got ${mean})`);
    }
    return { n: m.n, mean, variance: mean * (1 - mean) };
  }
  return { n: m.n, mean, variance: sampleVariance(m.n, m.sum, m.sumSq) };
}

/**
 * Welch–Satterthwaite degrees of freedom for two arm estimates. NaN when both variances are 0.
 */
export function welchDf(control: ArmEstimate, treatment: ArmEstimate): number {
  const vc = control.variance / control.n;
  const vt = treatment.variance / treatment.n;
  const denominator = (vc * vc) / (control.n - 1) + (vt * vt) / (treatment.n - 1);
  if (denominator === 0) {
    return Number.NaN;
  }
  return (vc + vt) ** 2 / denominator;
}

/**
 * A t-based effect estimate. When se = 0 (both arms constant) the CI collapses to the point,
 * t = ±∞ and p = 0 if the estimate is non-zero, and t = p = NaN if it is 0 (as scipy does).
 */
export function tEffect(estimate: number, se: number, df: number, alpha: number): EffectEstimate {
  if (se === 0) {
    const zero = estimate === 0;
    return {
      estimate,
      se,
      df,
      t: zero ? Number.NaN : Math.sign(estimate) * Number.POSITIVE_INFINITY,
      pValue: zero ? Number.NaN : 0,
      ci: [estimate, estimate],
      alpha,
    };
  }
  const t = estimate / se;
  const q = tQuantile(1 - alpha / 2, df);
  return {
    estimate,
    se,
    df,
    t,
    pValue: studentTwoSidedP(t, df),
    ci: [estimate - q * se, estimate + q * se],
    alpha,
  };
}

/**
 * Relative lift (μ_T − μ_C)/|μ_C| by the delta method from two independent arm means with
 * variances-of-the-mean vC and vT: Var ≈ vT/μ_C² + μ_T²·vC/μ_C⁴. Null when μ_C = 0.
 */
export function relativeLift(
  control: ArmEstimate,
  treatment: ArmEstimate,
  df: number,
  alpha: number,
): EffectEstimate | null {
  const mc = control.mean;
  if (mc === 0) {
    return null;
  }
  const vc = control.variance / control.n;
  const vt = treatment.variance / treatment.n;
  const mc2 = mc * mc;
  const variance = vt / mc2 + (treatment.mean * treatment.mean * vc) / (mc2 * mc2);
  return tEffect((treatment.mean - mc) / Math.abs(mc), Math.sqrt(variance), df, alpha);
}

/**
 * Compares two arm estimates (each {n ≥ 2, mean, per-unit variance}): Welch df, absolute and
 * relative effects. This is the common core of {@link welchTest}, `ratioTest` and `cupedTest`.
 */
export function compareArms(
  control: ArmEstimate,
  treatment: ArmEstimate,
  alpha: number = 0.05,
): ComparisonResult {
  assertAlpha(alpha, 'compareArms');
  for (const [name, arm] of [
    ['control', control],
    ['treatment', treatment],
  ] as const) {
    if (!Number.isInteger(arm.n) || arm.n < 2) {
      throw new RangeError(`compareArms: ${name}.n must be an integer ≥ 2 (got ${arm.n})`);
    }
    if (!Number.isFinite(arm.mean) || !(arm.variance >= 0) || !Number.isFinite(arm.variance)) {
      throw new RangeError(`compareArms: ${name} needs a finite mean and a finite variance ≥ 0`);
    }
  }
  const df = welchDf(control, treatment);
  const se = Math.sqrt(control.variance / control.n + treatment.variance / treatment.n);
  return {
    control,
    treatment,
    nTotal: control.n + treatment.n,
    absolute: tEffect(treatment.mean - control.mean, se, df, alpha),
    relative: relativeLift(control, treatment, df, alpha),
  };
}

/** Welch's t-test of treatment vs control from per-arm {n, Σy, Σy²}. Both arms need n ≥ 2. */
export function welchTest(
  control: UnivariateMoments,
  treatment: UnivariateMoments,
  options: WelchOptions = {},
): ComparisonResult {
  const variance = options.variance ?? 'sample';
  return compareArms(armEstimate(control, variance), armEstimate(treatment, variance), options.alpha ?? 0.05);
}
