/**
 * Treatment vs control for one metric from its sufficient statistics, with the experiments-stats tests:
 * `ratioTest` (ratio metrics), `welchTest` (means), `compareArms` (quantiles). No formula is computed
 * here; this module only picks the test, guards its preconditions and makes the result JSON-safe.
 */
import {
  compareArms,
  normalQuantile,
  ratioTest,
  welchTest,
  type ArmEstimate,
  type BivariateMoments,
  type ComparisonResult,
  type EffectEstimate,
} from '@foryou/experiments-stats';
import type { MetricInput, QuantileArmInput } from './inputs';
import type { ArmValue, Effect, Num } from './types';

/** A finite number or null. */
export function finite(x: number | null | undefined): Num {
  return x !== null && x !== undefined && Number.isFinite(x) ? x : null;
}

export function effect(e: EffectEstimate): Effect {
  return {
    estimate: finite(e.estimate),
    se: finite(e.se),
    df: finite(e.df),
    pValue: finite(e.pValue),
    ci: [finite(e.ci[0]), finite(e.ci[1])],
  };
}

/** The core of a comparison, before multiple-testing adjustment and verdict. */
export interface RawComparison {
  readonly control: ArmValue;
  readonly treatment: ArmValue;
  readonly result: ComparisonResult | null;
  readonly note: string | null;
}

function ratioValue(m: BivariateMoments): Num {
  return m.sumX === 0 ? null : finite(m.sumY / m.sumX);
}

/**
 * Per-arm estimate of a quantile for `compareArms`: the standard error is backed out of the order-
 * statistic interval, SE = (upper − lower)/(2·z_{1−α/2}) (GrowthBook's `QuantileStatistic`), and the
 * per-unit variance is SE²·units so that Var(estimate) = variance/n with n = units.
 */
export function quantileArmEstimate(arm: QuantileArmInput, alpha: number): ArmEstimate | null {
  if (arm.estimate === null || arm.lower === null || arm.upper === null || arm.units < 2) {
    return null;
  }
  const se = (arm.upper - arm.lower) / (2 * normalQuantile(1 - alpha / 2));
  return { n: arm.units, mean: arm.estimate, variance: se * se * arm.units };
}

/** The metric's value in arm `i` of the input (units, estimate). */
export function armValue(
  input: MetricInput,
  population: 'itt' | 'triggered',
  i: number,
  arm: string,
): ArmValue {
  switch (input.kind) {
    case 'ratio': {
      const m = input[population][i];
      return { arm, n: m?.n ?? 0, value: m === undefined ? null : ratioValue(m) };
    }
    case 'mean': {
      const m = input[population][i];
      return { arm, n: m?.n ?? 0, value: m === undefined || m.n === 0 ? null : finite(m.sum / m.n) };
    }
    case 'quantile': {
      const q = input[population][i];
      return {
        arm,
        n: q?.units ?? 0,
        value: q?.estimate ?? null,
        ci: [q?.lower ?? null, q?.upper ?? null],
        requests: q?.n ?? 0,
      };
    }
  }
}

/**
 * Compares arm `t` with arm `c` (indices into the input's arrays). Not computable (result null, with a
 * note) when an arm has fewer than 2 units or, for a ratio, no denominator.
 */
export function compareMetric(
  input: MetricInput,
  population: 'itt' | 'triggered',
  arms: readonly string[],
  c: number,
  t: number,
  alpha: number,
): RawComparison {
  const control = armValue(input, population, c, arms[c] ?? '?');
  const treatment = armValue(input, population, t, arms[t] ?? '?');
  const fail = (note: string): RawComparison => ({ control, treatment, result: null, note });
  if (control.n < 2 || treatment.n < 2) {
    return fail('fewer than 2 units in an arm');
  }
  switch (input.kind) {
    case 'ratio': {
      const mc = input[population][c];
      const mt = input[population][t];
      if (mc === undefined || mt === undefined || mc.sumX === 0 || mt.sumX === 0) {
        return fail('no denominator (no request) in an arm');
      }
      return { control, treatment, result: ratioTest(mc, mt, { alpha }), note: null };
    }
    case 'mean': {
      const mc = input[population][c];
      const mt = input[population][t];
      if (mc === undefined || mt === undefined) {
        return fail('missing arm');
      }
      return { control, treatment, result: welchTest(mc, mt, { alpha }), note: null };
    }
    case 'quantile': {
      const qc = input[population][c];
      const qt = input[population][t];
      const ec = qc === undefined ? null : quantileArmEstimate(qc, input.alpha);
      const et = qt === undefined ? null : quantileArmEstimate(qt, input.alpha);
      if (ec === null || et === null) {
        return fail('no quantile interval (too few requests or units)');
      }
      // A clamped order-statistic bound (the sample extreme) has no nominal coverage, and a standard
      // error backed out of it would make the comparison look far more certain than it is.
      if (!(qc?.bounded ?? false) || !(qt?.bounded ?? false)) {
        return fail('too few requests for this quantile: an interval bound is the sample extreme');
      }
      return { control, treatment, result: compareArms(ec, et, alpha), note: null };
    }
  }
}

/** Univariate view of bivariate looks (a mean metric's cumulative moments carry x = 0). */
export function cumulativeAsInput(kind: 'ratio' | 'mean', day: readonly BivariateMoments[]): MetricInput {
  return kind === 'ratio'
    ? { kind, itt: day, triggered: day }
    : {
        kind,
        itt: day.map((m) => ({ n: m.n, sum: m.sumY, sumSq: m.sumYSq })),
        triggered: day.map((m) => ({ n: m.n, sum: m.sumY, sumSq: m.sumYSq })),
      };
}
