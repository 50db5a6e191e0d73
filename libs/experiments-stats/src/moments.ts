/** Descriptive statistics from sufficient statistics, with input validation. */
import type { BivariateMoments, UnivariateMoments } from './types';

/** Throws a RangeError unless every named value is a finite number. */
export function assertFinite(values: Readonly<Record<string, number>>, context: string): void {
  for (const [name, value] of Object.entries(values)) {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new RangeError(`${context}: ${name} must be a finite number (got ${String(value)})`);
    }
  }
}

/** Throws a RangeError unless 0 < alpha < 1. */
export function assertAlpha(alpha: number, context: string): void {
  if (!(alpha > 0 && alpha < 1)) {
    throw new RangeError(`${context}: alpha must be in (0, 1) (got ${String(alpha)})`);
  }
}

function assertCount(n: number, min: number, context: string): void {
  if (!Number.isInteger(n) || n < min) {
    throw new RangeError(`${context}: n must be an integer ≥ ${min} (got ${String(n)})`);
  }
}

/** Validates univariate sufficient statistics (n integer ≥ minN, sums finite, Σy² ≥ 0). */
export function assertUnivariate(m: UnivariateMoments, minN: number, context: string): void {
  assertCount(m.n, minN, context);
  assertFinite({ sum: m.sum, sumSq: m.sumSq }, context);
  if (m.sumSq < 0) {
    throw new RangeError(`${context}: sumSq must be ≥ 0`);
  }
}

/** Validates bivariate sufficient statistics. */
export function assertBivariate(m: BivariateMoments, minN: number, context: string): void {
  assertCount(m.n, minN, context);
  assertFinite({ sumY: m.sumY, sumYSq: m.sumYSq, sumX: m.sumX, sumXSq: m.sumXSq, sumXY: m.sumXY }, context);
  if (m.sumYSq < 0 || m.sumXSq < 0) {
    throw new RangeError(`${context}: sums of squares must be ≥ 0`);
  }
}

/**
 * Unbiased sample variance from sums: s² = (Σy² − (Σy)²/n)/(n − 1), clamped at 0 against
 * rounding. (Like any one-pass formula it loses digits when mean² ≫ variance; the warehouse
 * should then centre the metric before summing.)
 */
export function sampleVariance(n: number, sum: number, sumSq: number): number {
  if (n < 2) {
    return 0;
  }
  return Math.max(0, (sumSq - (sum * sum) / n) / (n - 1));
}

/** Unbiased sample covariance from sums: (Σxy − Σx·Σy/n)/(n − 1). */
export function sampleCovariance(n: number, sumX: number, sumY: number, sumXY: number): number {
  if (n < 2) {
    return 0;
  }
  return (sumXY - (sumX * sumY) / n) / (n - 1);
}

/**
 * Moments of a binary (0/1) metric with `successes` ones among `n` units: Σy = Σy² = successes.
 */
export function proportionMoments(n: number, successes: number): UnivariateMoments {
  if (!(successes >= 0 && successes <= n)) {
    throw new RangeError(`proportionMoments: need 0 ≤ successes ≤ n (got ${successes} of ${n})`);
  }
  return { n, sum: successes, sumSq: successes };
}

/** Adds up moments (e.g. several days or slices of the same arm). */
export function addUnivariate(parts: readonly UnivariateMoments[]): UnivariateMoments {
  return parts.reduce<UnivariateMoments>(
    (acc, m) => ({ n: acc.n + m.n, sum: acc.sum + m.sum, sumSq: acc.sumSq + m.sumSq }),
    { n: 0, sum: 0, sumSq: 0 },
  );
}

/** Adds up bivariate moments (e.g. pooling arms for CUPED's θ). */
export function addBivariate(parts: readonly BivariateMoments[]): BivariateMoments {
  return parts.reduce<BivariateMoments>(
    (acc, m) => ({
      n: acc.n + m.n,
      sumY: acc.sumY + m.sumY,
      sumYSq: acc.sumYSq + m.sumYSq,
      sumX: acc.sumX + m.sumX,
      sumXSq: acc.sumXSq + m.sumXSq,
      sumXY: acc.sumXY + m.sumXY,
    }),
    { n: 0, sumY: 0, sumYSq: 0, sumX: 0, sumXSq: 0, sumXY: 0 },
  );
}
