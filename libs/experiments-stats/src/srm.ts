/**
 * Sample-ratio mismatch (SRM): Pearson χ² goodness-of-fit of observed unit counts per arm
 * against the configured weights (experiments.md §1 and §3).
 *
 * Estimand/H0: units fall into the ACTIVE arms (weight > 0) with probabilities w_i/Σw.
 *   E_i = N·w_i/Σw over active arms (N = Σ observed over active arms),
 *   χ² = Σ (O_i − E_i)²/E_i,  df = k_active − 1,  p = Q(df/2, χ²/2)
 * (regularized upper incomplete gamma; scipy.stats.chisquare / chi2.sf). Unlike GrowthBook's
 * `check_srm`, zero-weight arms do not count towards df; traffic observed in a zero-weight arm
 * is reported and flagged separately.
 *
 * The same test serves the assignment → exposure funnel ({@link srmFunnel}: exposed counts
 * against the assigned counts as weights) and per-day checks ({@link srmByDay}).
 */
import { chiSquareSf } from './special';

export interface SrmOptions {
  /** Flag when p < threshold. Default 0.001 (GrowthBook, Eppo, Statsig). */
  readonly threshold?: number;
  /**
   * The test is only judged once the total exceeds minUnitsPerArm × active arms (GrowthBook
   * uses 8, 5 for bandits). Default 8.
   */
  readonly minUnitsPerArm?: number;
}

export type SrmReason = 'p-value' | 'traffic-in-zero-weight-arm';

export interface SrmResult {
  readonly observed: readonly number[];
  readonly weights: readonly number[];
  /** Expected counts under H0 (0 for inactive arms). */
  readonly expected: number[];
  /** Indices of the arms with weight > 0. */
  readonly activeArms: number[];
  /** Σ observed over the active arms. */
  readonly total: number;
  readonly chiSquare: number;
  /** k_active − 1 (0 when fewer than 2 arms are active: then p = 1). */
  readonly df: number;
  readonly pValue: number;
  readonly threshold: number;
  /** Enough units (and ≥ 2 active arms) for the p-value to be acted on. */
  readonly judged: boolean;
  /** Units observed in arms whose weight is 0. */
  readonly zeroWeightTraffic: number;
  readonly flagged: boolean;
  readonly reasons: SrmReason[];
}

function validateCounts(values: readonly number[], name: string): void {
  for (const v of values) {
    if (!Number.isFinite(v) || v < 0) {
      throw new RangeError(`srm: ${name} must be finite and ≥ 0 (got ${String(v)})`);
    }
  }
}

/** χ² SRM test of observed counts per arm against configured weights (any scale). */
export function srmTest(
  observed: readonly number[],
  weights: readonly number[],
  options: SrmOptions = {},
): SrmResult {
  const threshold = options.threshold ?? 0.001;
  const minUnitsPerArm = options.minUnitsPerArm ?? 8;
  if (observed.length !== weights.length) {
    throw new RangeError(`srmTest: ${observed.length} observed counts but ${weights.length} weights`);
  }
  validateCounts(observed, 'observed counts');
  validateCounts(weights, 'weights');
  if (!(threshold > 0 && threshold < 1)) {
    throw new RangeError('srmTest: threshold must be in (0, 1)');
  }
  const activeArms: number[] = [];
  let weightSum = 0;
  let total = 0;
  let zeroWeightTraffic = 0;
  weights.forEach((w, i) => {
    const o = observed[i] ?? 0;
    if (w > 0) {
      activeArms.push(i);
      weightSum += w;
      total += o;
    } else {
      zeroWeightTraffic += o;
    }
  });
  const expected = weights.map((w) => (w > 0 ? (total * w) / weightSum : 0));
  let chiSquare = 0;
  if (total > 0) {
    for (const i of activeArms) {
      const e = expected[i] ?? 0;
      const diff = (observed[i] ?? 0) - e;
      chiSquare += (diff * diff) / e;
    }
  }
  const df = Math.max(0, activeArms.length - 1);
  const pValue = df > 0 && total > 0 ? chiSquareSf(chiSquare, df) : 1;
  const judged = activeArms.length >= 2 && total >= minUnitsPerArm * activeArms.length;
  const reasons: SrmReason[] = [];
  if (judged && pValue < threshold) {
    reasons.push('p-value');
  }
  if (zeroWeightTraffic > 0) {
    reasons.push('traffic-in-zero-weight-arm');
  }
  return {
    observed,
    weights,
    expected,
    activeArms,
    total,
    chiSquare,
    df,
    pValue,
    threshold,
    judged,
    zeroWeightTraffic,
    flagged: reasons.length > 0,
    reasons,
  };
}

export interface SrmDay {
  /** Any label, e.g. an ISO date. */
  readonly day: string;
  readonly observed: readonly number[];
}

export interface SrmDayResult extends SrmResult {
  readonly day: string;
}

export interface SrmByDayResult {
  readonly days: SrmDayResult[];
  /** The judged day with the smallest p-value (null when no day could be judged). */
  readonly worstDay: SrmDayResult | null;
  /** min(1, p_worst × number of judged days): Bonferroni over the days looked at. */
  readonly worstDayBonferroniP: number | null;
  /** Days whose own test is flagged (at the unadjusted threshold). */
  readonly flaggedDays: string[];
  /** The test on the counts summed over all days. */
  readonly cumulative: SrmResult;
}

/**
 * Runs the SRM test on each day's counts (same weights every day) and on their sum, and
 * reports the worst day — the usual first step to localize an SRM (Fabijan et al. 2019).
 */
export function srmByDay(
  days: readonly SrmDay[],
  weights: readonly number[],
  options: SrmOptions = {},
): SrmByDayResult {
  const results = days.map((d) => ({ ...srmTest(d.observed, weights, options), day: d.day }));
  const judged = results.filter((r) => r.judged);
  const worstDay = judged.reduce<SrmDayResult | null>(
    (worst, r) => (worst === null || r.pValue < worst.pValue ? r : worst),
    null,
  );
  const summed = weights.map((_, i) => days.reduce((acc, d) => acc + (d.observed[i] ?? 0), 0));
  return {
    days: results,
    worstDay,
    worstDayBonferroniP: worstDay === null ? null : Math.min(1, worstDay.pValue * judged.length),
    flaggedDays: results.filter((r) => r.flagged).map((r) => r.day),
    cumulative: srmTest(summed, weights, options),
  };
}

export interface SrmFunnelResult extends SrmResult {
  /** exposed_i / assigned_i per arm (NaN for an arm with no assignments). */
  readonly exposureRates: number[];
}

/**
 * SRM on the assignment → exposure funnel: are the exposed counts in the same proportions as
 * the assigned counts? (A treatment that changes who gets exposed — trigger bias — fails this.)
 * Implemented as the χ² goodness-of-fit of `exposed` against weights = `assigned`. It treats
 * the assigned proportions as known, which makes it slightly conservative compared with the
 * 2×k contingency test (by a factor ≈ 1 − exposed/assigned on χ²).
 */
export function srmFunnel(
  assigned: readonly number[],
  exposed: readonly number[],
  options: SrmOptions = {},
): SrmFunnelResult {
  if (assigned.length !== exposed.length) {
    throw new RangeError('srmFunnel: assigned and exposed must have one count per arm');
  }
  exposed.forEach((e, i) => {
    if (e > (assigned[i] ?? 0)) {
      throw new RangeError(`srmFunnel: arm ${i} has more exposed (${e}) than assigned units`);
    }
  });
  const result = srmTest(exposed, assigned, options);
  return {
    ...result,
    exposureRates: assigned.map((a, i) => (a > 0 ? (exposed[i] ?? 0) / a : Number.NaN)),
  };
}
