/**
 * Binomial tails and proportion confidence intervals for counting events over calibration runs
 * (SRM flags, rejections). Exact sums of the binomial pmf in log space: O(n) per tail, fine for the
 * few thousand runs a calibration has.
 */
import { normalQuantile } from '@foryou/experiments-stats';

function validate(n: number, p: number): void {
  if (!Number.isInteger(n) || n < 0) {
    throw new RangeError(`binomial: n must be an integer ≥ 0 (got ${n})`);
  }
  if (!(p >= 0 && p <= 1)) {
    throw new RangeError(`binomial: p must be in [0, 1] (got ${p})`);
  }
}

/** P(X ≥ k) for X ~ Binomial(n, p). */
export function binomialUpperTail(n: number, p: number, k: number): number {
  validate(n, p);
  if (k <= 0) {
    return 1;
  }
  if (k > n) {
    return 0;
  }
  if (p === 0) {
    return 0;
  }
  if (p === 1) {
    return 1;
  }
  const logP = Math.log(p);
  const logQ = Math.log1p(-p);
  // log pmf(j), built up from log pmf(0) = n·log(1 − p).
  let logPmf = n * logQ;
  let tail = 0;
  for (let j = 0; j <= n; j++) {
    if (j >= k) {
      tail += Math.exp(logPmf);
    }
    logPmf += Math.log(n - j) - Math.log(j + 1) + logP - logQ;
  }
  return Math.min(1, tail);
}

/** P(X ≤ k) for X ~ Binomial(n, p). */
export function binomialLowerTail(n: number, p: number, k: number): number {
  return 1 - binomialUpperTail(n, p, k + 1);
}

/**
 * Exact two-sided binomial test p-value of `k` successes in `n` trials at rate `p`: twice the smaller
 * tail, capped at 1 (equal to scipy's `binomtest` for p = 1/2; slightly conservative otherwise).
 */
export function binomialTwoSidedP(n: number, p: number, k: number): number {
  if (n === 0) {
    return 1;
  }
  return Math.min(1, 2 * Math.min(binomialLowerTail(n, p, k), binomialUpperTail(n, p, k)));
}

/**
 * The smallest count b such that P(X > b) ≤ tailProbability for X ~ Binomial(runs, rate): the most
 * SRM flags that `runs` correct A/A runs produce except with probability ≤ tailProbability, when each
 * run flags with probability `rate` (the SRM threshold).
 */
export function binomialUpperBound(runs: number, rate: number, tailProbability: number): number {
  validate(runs, rate);
  if (!(tailProbability > 0 && tailProbability < 1)) {
    throw new RangeError(`tailProbability must be in (0, 1) (got ${tailProbability})`);
  }
  for (let b = 0; b <= runs; b++) {
    if (binomialUpperTail(runs, rate, b + 1) <= tailProbability) {
      return b;
    }
  }
  return runs;
}

export interface ProportionInterval {
  readonly successes: number;
  readonly trials: number;
  /** successes / trials. */
  readonly estimate: number;
  readonly confidence: number;
  readonly lower: number;
  readonly upper: number;
  readonly method: 'clopper-pearson' | 'wilson';
}

function validateProportion(successes: number, trials: number, confidence: number): void {
  if (!Number.isInteger(trials) || trials < 1) {
    throw new RangeError(`trials must be an integer ≥ 1 (got ${trials})`);
  }
  if (!Number.isInteger(successes) || successes < 0 || successes > trials) {
    throw new RangeError(`successes must be an integer in [0, ${trials}] (got ${successes})`);
  }
  if (!(confidence > 0 && confidence < 1)) {
    throw new RangeError(`confidence must be in (0, 1) (got ${confidence})`);
  }
}

/** The p in [0, 1] where the increasing function f crosses `target`, by bisection. */
function bisect(f: (p: number) => number, target: number): number {
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 200 && hi - lo > 1e-15; i++) {
    const mid = (lo + hi) / 2;
    if (f(mid) < target) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return (lo + hi) / 2;
}

/**
 * Exact (Clopper–Pearson) two-sided interval for a binomial proportion: the lower bound solves
 * P(X ≥ x; p) = (1 − c)/2, the upper bound P(X ≤ x; p) = (1 − c)/2. Conservative: coverage ≥ c.
 */
export function clopperPearson(successes: number, trials: number, confidence: number): ProportionInterval {
  validateProportion(successes, trials, confidence);
  const half = (1 - confidence) / 2;
  const lower = successes === 0 ? 0 : bisect((p) => binomialUpperTail(trials, p, successes), half);
  const upper =
    successes === trials ? 1 : bisect((p) => 1 - binomialLowerTail(trials, p, successes), 1 - half);
  return {
    successes,
    trials,
    estimate: successes / trials,
    confidence,
    lower,
    upper,
    method: 'clopper-pearson',
  };
}

/** Wilson score interval (Wilson 1927) for a binomial proportion. */
export function wilsonInterval(successes: number, trials: number, confidence: number): ProportionInterval {
  validateProportion(successes, trials, confidence);
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const z2 = z * z;
  const centre = (successes + z2 / 2) / (trials + z2);
  const half = (z / (trials + z2)) * Math.sqrt((successes * (trials - successes)) / trials + z2 / 4);
  return {
    successes,
    trials,
    estimate: successes / trials,
    confidence,
    lower: Math.max(0, centre - half),
    upper: Math.min(1, centre + half),
    method: 'wilson',
  };
}
