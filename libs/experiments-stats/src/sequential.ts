/**
 * Anytime-valid inference: the normal-mixture SPRT (mSPRT, Johari et al. 2017/2022) and its dual
 * confidence sequence (Robbins 1970; Howard et al. 2021; Waudby-Smith et al. 2023 asymptotic CS).
 *
 * Model: at each look the estimator θ̂ of the effect (difference in means, or any asymptotically
 * normal effect such as a relative lift) is N(θ, V) with V = Var(θ̂) estimated from the data.
 * Mixing distribution over the alternative: θ ~ N(θ₀, τ²). Exact formulas (experiments.md §3):
 *
 *   Λ_n = √(V/(V+τ²)) · exp( τ²(θ̂−θ₀)² / (2V(V+τ²)) )          (mixture likelihood ratio)
 *   p_n = min(1, 1/Λ_n);  always-valid p = running min over looks, min(p_{n−1}, 1/Λ_n)
 *   CS_n = θ̂ ± √( V(V+τ²)/τ² · (ln((V+τ²)/V) − 2 ln α) )        (p_n ≤ α ⇔ θ₀ ∉ CS_n)
 *
 * The mixing variance τ² is either given directly (`{ tau2 }`, on the scale of θ) or derived
 * from a tuning sample size N* (`{ nStar }`, GrowthBook/Eppo): with n = total units at the look
 * and σ̂² = V·n the per-unit variance, τ² = σ̂²/ρ and ρ = N* / (−2 ln α + ln(1 − 2 ln α)). Then
 *   half-width = SE·√( ((n+ρ)/n) · ln((n+ρ)/(ρα²)) ),
 * which is GrowthBook's `sequential_interval_halfwidth` (N* = 5,000 there; Eppo uses 10,000).
 * The default is `{ nStar: 5000 }`. Computations are done in log space (no overflow of Λ).
 */
import { assertAlpha, assertFinite } from './moments';
import type { Interval, UnivariateMoments } from './types';
import { type VarianceEstimator, welchTest } from './welch';

/** Mixing variance τ² of the N(θ₀, τ²) prior, or the tuning sample size N* it is derived from. */
export type Mixing = { readonly tau2: number } | { readonly nStar: number };

/** The state of the experiment at one look (one analysis time). */
export interface SequentialLook {
  /** θ̂, the current effect estimate. */
  readonly estimate: number;
  /** V = Var(θ̂) = SE². */
  readonly variance: number;
  /** Total units in the comparison at this look (both arms); only used by `{ nStar }` mixing. */
  readonly n: number;
}

export interface SequentialOptions {
  /** Level of the CS and of the test. Default 0.05. */
  readonly alpha?: number;
  /** Null value θ₀ of the test (and centre of the mixing prior). Default 0. */
  readonly theta0?: number;
  /** Default `{ nStar: 5000 }`. */
  readonly mixing?: Mixing;
}

export interface SequentialResult {
  readonly estimate: number;
  readonly variance: number;
  readonly theta0: number;
  readonly alpha: number;
  /** τ² actually used at this look. */
  readonly tau2: number;
  /** ln Λ_n. */
  readonly logLikelihoodRatio: number;
  /** Λ_n (may be +∞ when ln Λ_n > 709). */
  readonly likelihoodRatio: number;
  /** min(1, 1/Λ_n) at this look alone. */
  readonly pValue: number;
  /** Confidence sequence at this look. */
  readonly ci: Interval;
  readonly halfWidth: number;
}

/** ρ = N* / (−2 ln α + ln(1 − 2 ln α)), the τ² = σ²/ρ tuning of GrowthBook/Eppo. */
export function rhoFromNStar(nStar: number, alpha: number): number {
  if (!(nStar > 0) || !Number.isFinite(nStar)) {
    throw new RangeError(`rhoFromNStar: nStar must be a positive number (got ${nStar})`);
  }
  assertAlpha(alpha, 'rhoFromNStar');
  const l = -2 * Math.log(alpha);
  return nStar / (l + Math.log1p(l));
}

/** τ² used at a look: the given τ², or σ̂²/ρ with σ̂² = V·n for `{ nStar }`. */
export function mixingVariance(look: SequentialLook, mixing: Mixing, alpha: number): number {
  if ('tau2' in mixing) {
    if (!(mixing.tau2 > 0) || !Number.isFinite(mixing.tau2)) {
      throw new RangeError(`mixingVariance: tau2 must be a positive number (got ${mixing.tau2})`);
    }
    return mixing.tau2;
  }
  if (!(look.n > 0)) {
    throw new RangeError('mixingVariance: { nStar } mixing needs the look total n > 0');
  }
  return (look.variance * look.n) / rhoFromNStar(mixing.nStar, alpha);
}

/** One look of the mSPRT: mixture likelihood ratio, its p-value and the confidence sequence. */
export function msprt(look: SequentialLook, options: SequentialOptions = {}): SequentialResult {
  const alpha = options.alpha ?? 0.05;
  const theta0 = options.theta0 ?? 0;
  const mixing = options.mixing ?? { nStar: 5000 };
  assertAlpha(alpha, 'msprt');
  assertFinite({ estimate: look.estimate, variance: look.variance, theta0 }, 'msprt');
  if (look.variance < 0) {
    throw new RangeError('msprt: variance must be ≥ 0');
  }
  const { estimate, variance: v } = look;
  if (v === 0) {
    // A point mass: the estimate is known exactly.
    const differs = estimate !== theta0;
    return {
      estimate,
      variance: v,
      theta0,
      alpha,
      tau2: 'tau2' in mixing ? mixing.tau2 : 0,
      logLikelihoodRatio: differs ? Number.POSITIVE_INFINITY : 0,
      likelihoodRatio: differs ? Number.POSITIVE_INFINITY : 1,
      pValue: differs ? 0 : 1,
      ci: [estimate, estimate],
      halfWidth: 0,
    };
  }
  const tau2 = mixingVariance(look, mixing, alpha);
  const logRatio = Math.log1p(tau2 / v); // ln((V+τ²)/V)
  const d = estimate - theta0;
  const logLikelihoodRatio = -0.5 * logRatio + (tau2 * d * d) / (2 * v * (v + tau2));
  const halfWidth = Math.sqrt(((v * (v + tau2)) / tau2) * (logRatio - 2 * Math.log(alpha)));
  return {
    estimate,
    variance: v,
    theta0,
    alpha,
    tau2,
    logLikelihoodRatio,
    likelihoodRatio: Math.exp(logLikelihoodRatio),
    pValue: Math.min(1, Math.exp(-logLikelihoodRatio)),
    ci: [estimate - halfWidth, estimate + halfWidth],
    halfWidth,
  };
}

export interface SequentialSequenceLook extends SequentialResult {
  /** Always-valid p-value: min over this and all earlier looks of min(1, 1/Λ). */
  readonly alwaysValidPValue: number;
  /** Running intersection of the confidence sequences so far (also a valid CS). */
  readonly runningCi: Interval;
}

/**
 * Runs the mSPRT over looks in time order and returns each look with the running-min
 * always-valid p-value and the running intersection of the CS. (If the intersection becomes
 * empty, lower > upper is returned as is: that itself is evidence the model is wrong.)
 */
export function msprtSequence(
  looks: readonly SequentialLook[],
  options: SequentialOptions = {},
): SequentialSequenceLook[] {
  let p = 1;
  let lower = Number.NEGATIVE_INFINITY;
  let upper = Number.POSITIVE_INFINITY;
  return looks.map((look) => {
    const r = msprt(look, options);
    p = Math.min(p, r.pValue);
    lower = Math.max(lower, r.ci[0]);
    upper = Math.min(upper, r.ci[1]);
    return { ...r, alwaysValidPValue: p, runningCi: [lower, upper] };
  });
}

export interface SequentialWelchOptions extends SequentialOptions {
  /** Per-unit variance estimator of each arm. Default `sample`. */
  readonly variance?: VarianceEstimator;
}

/**
 * mSPRT / confidence sequence for the difference in means μ_T − μ_C from per-arm moments:
 * θ̂ = ȳ_T − ȳ_C, V = s_T²/n_T + s_C²/n_C, n = n_T + n_C.
 */
export function sequentialDifferenceInMeans(
  control: UnivariateMoments,
  treatment: UnivariateMoments,
  options: SequentialWelchOptions = {},
): SequentialResult {
  const w = welchTest(control, treatment, { variance: options.variance ?? 'sample' });
  return msprt({ estimate: w.absolute.estimate, variance: w.absolute.se ** 2, n: w.nTotal }, options);
}

/** Whether an increase of the metric is good (e.g. engagement) or bad (e.g. latency, errors). */
export type GuardrailDirection = 'higher-is-better' | 'lower-is-better';

export type NonInferiorityStatus = 'non-inferior' | 'inferior' | 'inconclusive';

export interface NonInferiorityDecision {
  /**
   * - `non-inferior`: the whole interval is on the good side of the margin (reject H0: the
   *   treatment is worse by at least the margin);
   * - `inferior`: the whole interval is beyond the margin on the bad side;
   * - `inconclusive`: otherwise.
   */
  readonly status: NonInferiorityStatus;
  /** The whole interval is on the bad side of 0 (a significant regression of any size). */
  readonly deteriorated: boolean;
  /** The boundary effect: −margin for higher-is-better, +margin for lower-is-better. */
  readonly boundary: number;
  readonly ci: Interval;
}

/**
 * Classifies an interval (e.g. a confidence sequence, or its running intersection) against a
 * non-inferiority margin (≥ 0, on the same scale as the interval) and a direction.
 */
export function classifyNonInferiority(
  ci: Interval,
  margin: number,
  direction: GuardrailDirection,
): NonInferiorityDecision {
  if (!(margin >= 0) || !Number.isFinite(margin)) {
    throw new RangeError(`classifyNonInferiority: margin must be a finite number ≥ 0 (got ${margin})`);
  }
  const [lo, hi] = ci;
  let status: NonInferiorityStatus;
  let deteriorated: boolean;
  let boundary: number;
  switch (direction) {
    case 'higher-is-better':
      boundary = -margin;
      status = lo > boundary ? 'non-inferior' : hi < boundary ? 'inferior' : 'inconclusive';
      deteriorated = hi < 0;
      break;
    case 'lower-is-better':
      boundary = margin;
      status = hi < boundary ? 'non-inferior' : lo > boundary ? 'inferior' : 'inconclusive';
      deteriorated = lo > 0;
      break;
  }
  return { status, deteriorated, boundary, ci };
}

export interface NonInferiorityOptions extends SequentialOptions {
  /** Non-inferiority margin ≥ 0 on the scale of the look's estimate (absolute or relative). */
  readonly margin: number;
  readonly direction: GuardrailDirection;
}

export interface NonInferiorityResult extends NonInferiorityDecision {
  readonly sequential: SequentialResult;
}

/**
 * Anytime-valid non-inferiority check of a guardrail at one look, using the two-sided (1 − α)
 * confidence sequence. Since the two-sided CS covers θ at every look simultaneously with
 * probability ≥ 1 − α, each one-sided decision has error ≤ α (conservative: a one-sided mixture
 * boundary would be tighter).
 */
export function nonInferiority(look: SequentialLook, options: NonInferiorityOptions): NonInferiorityResult {
  const sequential = msprt(look, options);
  return { ...classifyNonInferiority(sequential.ci, options.margin, options.direction), sequential };
}
