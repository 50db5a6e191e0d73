/**
 * The analysis of one simulated run, as the experiment report does it: the SRM χ² test on the
 * assignment counts against the variant weights, and treatment vs control on the primary metric —
 * the delta-method ratio test (`ratioTest`) for a per-exposure metric, Welch's t-test on the per-unit
 * values (`welchTest`) for a per-unit mean. The p-value is the two-sided p of the absolute
 * difference (H0: equal metric in both arms).
 */
import { CONTROL } from '@foryou/experiments';
import {
  ratioTest,
  srmTest,
  welchTest,
  type BivariateMoments,
  type ComparisonResult,
  type SrmResult,
} from '@foryou/experiments-stats';
import { numeratorMoments } from './moments';
import type { ArmResult, SimulatedRun } from './run';

export type TestMethod = 'ratio-delta-method' | 'welch';

export interface AnalysisOptions {
  /** Two-sided level of the CIs. Default 0.05. */
  readonly alpha?: number;
  /** SRM flag threshold. Default 0.001. */
  readonly srmThreshold?: number;
}

export interface RunAnalysis {
  readonly srm: SrmResult;
  readonly method: TestMethod;
  /** Treatment vs control on the primary metric. */
  readonly comparison: ComparisonResult;
  /** `comparison.absolute.pValue`. */
  readonly pValue: number;
}

/** The arm of `variant`; throws when the run has none. */
export function armOf(run: SimulatedRun, variant: string): ArmResult {
  const arm = run.arms.find((a) => a.variant === variant);
  if (arm === undefined) {
    throw new RangeError(`run ${run.salt} has no arm ${variant}`);
  }
  return arm;
}

/** Compares per-unit moments the way the report does for this metric's denominator. */
export function compareMoments(
  method: TestMethod,
  control: BivariateMoments,
  treatment: BivariateMoments,
  alpha: number,
): ComparisonResult {
  return method === 'ratio-delta-method'
    ? ratioTest(control, treatment, { alpha })
    : welchTest(numeratorMoments(control), numeratorMoments(treatment), { alpha });
}

/** The test the report uses for the run's primary metric. */
export function testMethod(run: SimulatedRun): TestMethod {
  return run.metric.denominator === 'exposures' ? 'ratio-delta-method' : 'welch';
}

/** SRM and the primary-metric comparison of one run. Throws RangeError when an arm has < 2 units. */
export function analyzeRun(run: SimulatedRun, options: AnalysisOptions = {}): RunAnalysis {
  const alpha = options.alpha ?? 0.05;
  const srm = srmTest(
    run.arms.map((a) => a.assigned),
    run.arms.map((a) => a.weight),
    { threshold: options.srmThreshold ?? 0.001 },
  );
  const method = testMethod(run);
  const comparison = compareMoments(
    method,
    armOf(run, CONTROL).moments,
    armOf(run, run.treatmentArm).moments,
    alpha,
  );
  return { srm, method, comparison, pValue: comparison.absolute.pValue };
}
