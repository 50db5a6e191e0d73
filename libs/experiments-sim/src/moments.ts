/**
 * Running per-arm sufficient statistics, in the shapes @foryou/experiments-stats consumes
 * (`BivariateMoments`: y = numerator, x = denominator; `UnivariateMoments`). Plain sums in insertion
 * order: integer-valued metrics (counts) stay exact below 2⁵³.
 */
import type { BivariateMoments, UnivariateMoments } from '@foryou/experiments-stats';

/** A mutable accumulator of (n, Σy, Σy², Σx, Σx², Σxy). */
export class BivariateAccumulator {
  private n = 0;
  private sumY = 0;
  private sumYSq = 0;
  private sumX = 0;
  private sumXSq = 0;
  private sumXY = 0;

  /** Adds one unit's (y, x). */
  add(y: number, x: number): void {
    this.n += 1;
    this.sumY += y;
    this.sumYSq += y * y;
    this.sumX += x;
    this.sumXSq += x * x;
    this.sumXY += x * y;
  }

  /** The moments so far (a snapshot). */
  moments(): BivariateMoments {
    const { n, sumY, sumYSq, sumX, sumXSq, sumXY } = this;
    return { n, sumY, sumYSq, sumX, sumXSq, sumXY };
  }
}

/** A mutable accumulator of (n, Σy, Σy²). */
export class UnivariateAccumulator {
  private n = 0;
  private sum = 0;
  private sumSq = 0;

  add(y: number): void {
    this.n += 1;
    this.sum += y;
    this.sumSq += y * y;
  }

  moments(): UnivariateMoments {
    return { n: this.n, sum: this.sum, sumSq: this.sumSq };
  }
}

/** The univariate moments of y in bivariate moments (the Welch input of a per-unit mean). */
export function numeratorMoments(m: BivariateMoments): UnivariateMoments {
  return { n: m.n, sum: m.sumY, sumSq: m.sumYSq };
}
