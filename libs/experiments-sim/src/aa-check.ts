/**
 * The A/A half of the calibration: R runs with nothing planted (salts `<saltPrefix>-<i>`), each
 * analysed as the report does. Collected: the reported p-values (KS against U(0, 1)), the SRM
 * p-values and flags (bound: P(Binomial(R, threshold) > b) ≤ checkLevel), the same runs analysed with
 * the deliberately wrong tests of `negative-controls.ts` (the KS test must reject the pooled-SE one),
 * the reshuffle agreement (`reshuffle.ts`), the SE calibration sd(estimates)/√mean(SE²) and the design
 * effect of a per-request analysis.
 */
import { ksUniform, type KsResult } from '@foryou/experiments-stats';
import type { RunAnalysis } from './analysis';
import { binomialUpperBound, clopperPearson, type ProportionInterval } from './binomial';
import { mean, sampleSd } from './descriptive';
import {
  perExposureComparison,
  pooledStandardErrorPValue,
  reportedPValue,
  type NegativeControl,
} from './negative-controls';
import { ReshuffleAccumulator, type ReshuffleSummary } from './reshuffle';
import { simulateRun, type SimulatedRun, type SimulateRunOptions } from './run';
import { runSalt } from './salt';

export interface AaSummary {
  readonly runs: number;
  /** Treatment-vs-control p-value of each run, in run order. */
  readonly pValues: number[];
  /** SRM p-value of each run. */
  readonly srmPValues: number[];
  readonly ks: KsResult;
  readonly srm: {
    readonly flagged: number;
    /** Most flags allowed: P(Binomial(runs, threshold) > bound) ≤ checkLevel. */
    readonly bound: number;
    /** runs × threshold. */
    readonly expected: number;
    readonly threshold: number;
  };
  /** Runs with p < alpha (nominal rate alpha), with a Clopper–Pearson interval. */
  readonly falsePositives: ProportionInterval;
  /** Mean ITT units per arm (definition order) and mean assigned units per arm. */
  readonly meanUnits: number[];
  readonly meanAssigned: number[];
  /** sd of the estimated differences over runs / √mean(SE²): ≈ 1 when the SE is right. */
  readonly seRatio: number;
  /**
   * mean over runs of SE²(unit-level test) / SE²(per-request test): how much treating requests as
   * units understates the variance.
   */
  readonly designEffect: number;
  readonly reshuffle: ReshuffleSummary;
  /**
   * The KS test of the SAME runs analysed with the deliberately wrong tests of `negative-controls.ts`:
   * evidence that the uniformity check can fail. `pooledStandardError` must be rejected.
   */
  readonly sensitivity: {
    readonly pooledStandardError: KsResult;
    readonly perExposureUnits: KsResult;
  };
}

export interface AaRunsOptions {
  /** Everything of a run but its salt. */
  readonly base: Omit<SimulateRunOptions, 'salt'>;
  readonly analyse: (run: SimulatedRun) => RunAnalysis;
  readonly fault: NegativeControl | undefined;
  readonly runs: number;
  /** Variant weights in definition order (the reshuffle expectation). */
  readonly weights: readonly number[];
  readonly alpha: number;
  readonly srmThreshold: number;
  readonly checkLevel: number;
  readonly saltPrefix: string;
  readonly onProgress?: (done: number, total: number) => void;
}

/** Runs the A/A runs (at least one) and summarises them; also returns the first run (settings). */
export function runAaRuns(o: AaRunsOptions): { summary: AaSummary; first: SimulatedRun } {
  const pValues: number[] = [];
  const srmPValues: number[] = [];
  const estimates: number[] = [];
  const variances: number[] = [];
  const designEffects: number[] = [];
  const pooledPValues: number[] = [];
  const perExposurePValues: number[] = [];
  let flagged = 0;
  let first: SimulatedRun | null = null;
  let units: number[] = [];
  let assigned: number[] = [];
  const splits = new ReshuffleAccumulator(o.weights);
  for (let i = 0; i < o.runs; i++) {
    const run = simulateRun({ ...o.base, salt: runSalt(o.saltPrefix, i) });
    first ??= run;
    const analysis = o.analyse(run);
    pValues.push(reportedPValue(run, analysis, o.fault));
    srmPValues.push(analysis.srm.pValue);
    flagged += analysis.srm.reasons.includes('p-value') ? 1 : 0;
    pooledPValues.push(pooledStandardErrorPValue(analysis.comparison));
    estimates.push(analysis.comparison.absolute.estimate);
    const se2 = analysis.comparison.absolute.se ** 2;
    variances.push(se2);
    const naive = perExposureComparison(run, o.alpha);
    perExposurePValues.push(naive.absolute.pValue);
    const naiveSe2 = naive.absolute.se ** 2;
    designEffects.push(naiveSe2 > 0 ? se2 / naiveSe2 : Number.NaN);
    units = run.arms.map((a, k) => (units[k] ?? 0) + a.moments.n);
    assigned = run.arms.map((a, k) => (assigned[k] ?? 0) + a.assigned);
    splits.add(run.unitArms);
    o.onProgress?.(i + 1, o.runs);
  }
  if (first === null) {
    throw new RangeError('runAaRuns: needs at least one run');
  }
  const falsePositives = pValues.filter((p) => p < o.alpha).length;
  const summary: AaSummary = {
    runs: o.runs,
    pValues,
    srmPValues,
    ks: ksUniform(pValues),
    srm: {
      flagged,
      bound: binomialUpperBound(o.runs, o.srmThreshold, o.checkLevel),
      expected: o.runs * o.srmThreshold,
      threshold: o.srmThreshold,
    },
    falsePositives: clopperPearson(falsePositives, o.runs, 1 - o.checkLevel),
    meanUnits: units.map((u) => u / o.runs),
    meanAssigned: assigned.map((u) => u / o.runs),
    seRatio: sampleSd(estimates) / Math.sqrt(mean(variances)),
    designEffect: mean(designEffects.filter((d) => Number.isFinite(d))),
    reshuffle: splits.summary(),
    sensitivity: {
      pooledStandardError: ksUniform(pooledPValues),
      perExposureUnits: ksUniform(perExposurePValues),
    },
  };
  return { summary, first };
}
