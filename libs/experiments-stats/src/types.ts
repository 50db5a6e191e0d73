/**
 * Input and output shapes shared by every test in this library.
 *
 * Inputs are per-arm SUFFICIENT STATISTICS, exactly as a warehouse `GROUP BY arm` returns them
 * (`COUNT(*)`, `SUM(y)`, `SUM(y*y)`, ...). No function here ever takes row arrays, except the
 * KS test and the multiple-testing corrections, whose inputs are a list of p-values.
 */

/** Sufficient statistics of one per-unit metric y in one arm. */
export interface UnivariateMoments {
  /** Number of units (randomization units, e.g. users) aggregated. */
  readonly n: number;
  /** Σy over the units. */
  readonly sum: number;
  /** Σy² over the units. */
  readonly sumSq: number;
}

/**
 * Sufficient statistics of a per-unit pair (y, x) in one arm.
 * - Ratio metrics: y = numerator (e.g. clicks), x = denominator (e.g. exposures), R = Σy/Σx.
 * - CUPED: y = in-experiment metric, x = the same unit's pre-period covariate.
 */
export interface BivariateMoments {
  readonly n: number;
  /** Σy */
  readonly sumY: number;
  /** Σy² */
  readonly sumYSq: number;
  /** Σx */
  readonly sumX: number;
  /** Σx² */
  readonly sumXSq: number;
  /** Σxy */
  readonly sumXY: number;
}

/** A closed interval [lower, upper]. */
export type Interval = readonly [lower: number, upper: number];

/**
 * One arm reduced to an estimator: `mean` is the arm's point estimate and `variance` the
 * PER-UNIT variance, so that Var(mean) = variance / n. (For a ratio metric `variance` is the
 * delta-method per-unit variance; for CUPED it is Var(y − θx).)
 */
export interface ArmEstimate {
  readonly n: number;
  readonly mean: number;
  readonly variance: number;
}

/** A t-based estimate of an effect (treatment vs control). */
export interface EffectEstimate {
  /** Point estimate (absolute difference, or relative lift as a fraction: 0.05 = +5%). */
  readonly estimate: number;
  /** Standard error of the estimate. */
  readonly se: number;
  /** Degrees of freedom used for the p-value and the CI (Welch–Satterthwaite). */
  readonly df: number;
  /** estimate / se. */
  readonly t: number;
  /** Two-sided p-value of H0: effect = 0. */
  readonly pValue: number;
  /** Two-sided (1 − alpha) confidence interval: estimate ± t_{1−α/2, df} · se. */
  readonly ci: Interval;
  readonly alpha: number;
}

/** Result of comparing a treatment arm with a control arm. */
export interface ComparisonResult {
  readonly control: ArmEstimate;
  readonly treatment: ArmEstimate;
  /** n_control + n_treatment (the `n` a sequential look needs). */
  readonly nTotal: number;
  /** Treatment − control. */
  readonly absolute: EffectEstimate;
  /** (treatment − control) / |control|; null when the control mean is 0. */
  readonly relative: EffectEstimate | null;
}
