/**
 * The planted-effect half of the calibration: P runs with `lift` planted in the treatment arm
 * (salts `<saltPrefix>-<j>`), the empirical power (share of runs whose reported p < alpha) with a
 * Clopper–Pearson interval at confidence 1 − checkLevel, and the analytic power `powerTwoSample`
 * predicts from
 * - δ: the TRUE effect on the metric, Σ expected planted increase of the numerator (exact, from the
 *   world's probabilities, see `planted.ts`) / Σ treatment-arm denominator, pooled over the runs;
 * - sd_C, sd_T: √(mean over runs of each arm's per-unit variance) — the delta-method variance for a
 *   ratio metric, the sample variance for a per-unit mean;
 * - n_C, n_T: mean ITT units per arm.
 */
import { powerTwoSample } from '@foryou/experiments-stats';
import type { RunAnalysis } from './analysis';
import { clopperPearson, wilsonInterval, type ProportionInterval } from './binomial';
import { mean } from './descriptive';
import { reportedPValue, type NegativeControl } from './negative-controls';
import { simulateRun, type SimulatedRun, type SimulateRunOptions } from './run';
import { runSalt } from './salt';

export interface PowerSummary {
  readonly runs: number;
  readonly lift: number;
  /** Σ min(1, p(1 + lift)) / Σ p − 1 over the treated impressions: the lift after capping at 1. */
  readonly effectiveLift: number;
  /** Share of (impression, action) pairs whose probability was capped at 1. */
  readonly cappedShare: number;
  readonly pValues: number[];
  readonly rejections: number;
  /** Empirical power with its Clopper–Pearson interval at confidence 1 − checkLevel. */
  readonly empirical: ProportionInterval;
  /** The same with a Wilson interval, for reference. */
  readonly wilson: ProportionInterval;
  readonly analytic: number;
  /** What `powerTwoSample` was given. */
  readonly inputs: {
    /** True absolute effect on the metric (planted numerator increase per denominator unit). */
    readonly delta: number;
    readonly sdControl: number;
    readonly sdTreatment: number;
    readonly nControl: number;
    readonly nTreatment: number;
    readonly alpha: number;
  };
  /** Mean estimated relative lift over the runs (compare with effectiveLift). */
  readonly meanRelativeEstimate: number;
}

export interface PowerRunsOptions {
  /** Everything of a run but its salt and lift. */
  readonly base: Omit<SimulateRunOptions, 'salt' | 'plantedLift'>;
  readonly analyse: (run: SimulatedRun) => RunAnalysis;
  readonly fault: NegativeControl | undefined;
  readonly runs: number;
  readonly lift: number;
  readonly alpha: number;
  readonly checkLevel: number;
  readonly saltPrefix: string;
  readonly onProgress?: (done: number, total: number) => void;
}

/** Runs the planted-effect runs and compares empirical with analytic power. */
export function runPowerRuns(o: PowerRunsOptions): PowerSummary {
  const pValues: number[] = [];
  const relative: number[] = [];
  let rejections = 0;
  let varC = 0;
  let varT = 0;
  let nC = 0;
  let nT = 0;
  let baseExpected = 0;
  let plantedExpected = 0;
  let capped = 0;
  let pairs = 0;
  let denominator = 0;
  for (let j = 0; j < o.runs; j++) {
    const run = simulateRun({ ...o.base, salt: runSalt(o.saltPrefix, j), plantedLift: o.lift });
    const analysis = o.analyse(run);
    const p = reportedPValue(run, analysis, o.fault);
    pValues.push(p);
    rejections += p < o.alpha ? 1 : 0;
    const { control: c, treatment: t } = analysis.comparison;
    varC += c.variance;
    varT += t.variance;
    nC += c.n;
    nT += t.n;
    relative.push(analysis.comparison.relative?.estimate ?? Number.NaN);
    if (run.planted !== null) {
      const { tally, actions } = run.planted;
      baseExpected += tally.baseExpected;
      plantedExpected += tally.plantedExpected;
      capped += tally.capped;
      pairs += tally.impressions * actions.length;
    }
    denominator += run.arms.find((a) => a.variant === run.treatmentArm)?.moments.sumX ?? 0;
    o.onProgress?.(j + 1, o.runs);
  }
  const inputs = {
    delta: (plantedExpected - baseExpected) / denominator,
    sdControl: Math.sqrt(varC / o.runs),
    sdTreatment: Math.sqrt(varT / o.runs),
    nControl: nC / o.runs,
    nTreatment: nT / o.runs,
    alpha: o.alpha,
  };
  return {
    runs: o.runs,
    lift: o.lift,
    effectiveLift: plantedExpected / baseExpected - 1,
    cappedShare: pairs === 0 ? 0 : capped / pairs,
    pValues,
    rejections,
    empirical: clopperPearson(rejections, o.runs, 1 - o.checkLevel),
    wilson: wilsonInterval(rejections, o.runs, 1 - o.checkLevel),
    analytic: powerTwoSample(inputs),
    inputs,
    meanRelativeEstimate: mean(relative.filter((r) => Number.isFinite(r))),
  };
}
