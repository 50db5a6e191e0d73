/**
 * Ratio metrics (e.g. clicks per exposure, Σclicks/Σexposures per arm) analysed at the level of
 * the randomization unit with the delta method.
 *
 * Estimand: R = E[Y]/E[X] per arm (y = numerator, x = denominator of each unit), and the
 * difference R_T − R_C (and relative (R_T − R_C)/|R_C|).
 * Formula (experiments.md §3; Deng et al. 2018 "Applying the delta method in metric analytics"):
 *   R̂ = Σy/Σx;  Var(R̂) ≈ (1/n)[s_y²/μ_x² + μ_y² s_x²/μ_x⁴ − 2 μ_y s_xy/μ_x³]
 * with unbiased (n − 1) sample (co)variances. Arms are then compared with Welch's machinery.
 */
import { assertBivariate, sampleCovariance, sampleVariance } from './moments';
import type { ArmEstimate, BivariateMoments, ComparisonResult } from './types';
import { compareArms } from './welch';

export interface RatioArmEstimate extends ArmEstimate {
  /** μ_y = Σy/n */
  readonly numeratorMean: number;
  /** μ_x = Σx/n */
  readonly denominatorMean: number;
  /** Var(R̂) = variance / n, the delta-method variance of the arm's ratio. */
  readonly ratioVariance: number;
}

/**
 * One arm's ratio Σy/Σx with its delta-method per-unit variance. Requires n ≥ 2 and Σx ≠ 0.
 */
export function ratioArmEstimate(m: BivariateMoments): RatioArmEstimate {
  assertBivariate(m, 2, 'ratioArmEstimate');
  if (m.sumX === 0) {
    throw new RangeError('ratioArmEstimate: the denominator sum Σx is 0, so the ratio is undefined');
  }
  const muY = m.sumY / m.n;
  const muX = m.sumX / m.n;
  const sY2 = sampleVariance(m.n, m.sumY, m.sumYSq);
  const sX2 = sampleVariance(m.n, m.sumX, m.sumXSq);
  const sXY = sampleCovariance(m.n, m.sumX, m.sumY, m.sumXY);
  const muX2 = muX * muX;
  const perUnit = Math.max(
    0,
    sY2 / muX2 + (muY * muY * sX2) / (muX2 * muX2) - (2 * muY * sXY) / (muX2 * muX),
  );
  return {
    n: m.n,
    mean: m.sumY / m.sumX,
    variance: perUnit,
    numeratorMean: muY,
    denominatorMean: muX,
    ratioVariance: perUnit / m.n,
  };
}

export interface RatioTestResult extends ComparisonResult {
  readonly control: RatioArmEstimate;
  readonly treatment: RatioArmEstimate;
}

/**
 * Compares the ratio metric Σy/Σx of treatment vs control (delta-method variances, Welch df
 * computed from the per-unit delta-method variances as GrowthBook does).
 */
export function ratioTest(
  control: BivariateMoments,
  treatment: BivariateMoments,
  options: { readonly alpha?: number } = {},
): RatioTestResult {
  const c = ratioArmEstimate(control);
  const t = ratioArmEstimate(treatment);
  return { ...compareArms(c, t, options.alpha ?? 0.05), control: c, treatment: t };
}
