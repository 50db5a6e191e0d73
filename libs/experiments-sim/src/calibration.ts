/**
 * The simulation check of the experiment system (A/A calibration and power).
 *
 * A/A: R runs with salts `<prefix>-aa-<i>` and nothing planted. Checked:
 * - SRM: the number of runs the χ² test flags (p < srmThreshold) must not exceed b, the smallest
 *   count with P(Binomial(R, srmThreshold) > b) ≤ checkLevel;
 * - uniformity: the treatment-vs-control p-values must pass the KS test against U(0, 1) (asymptotic
 *   Kolmogorov p > checkLevel);
 * - sensitivity: the KS test must REJECT the same runs analysed with a deliberately wrong standard
 *   error (`pooled-standard-error` in `negative-controls.ts`), or the uniformity check has shown no power;
 * - reshuffle: re-salting must redraw the split (`reshuffle.ts`: same-arm agreement over disjoint run
 *   pairs against Binomial(trials, Σ w²), exact two-sided p > checkLevel).
 *
 * Power (`power-check.ts`): P runs with salts `<prefix>-lift-<j>` and `lift` planted in the treatment
 * arm; the analytic power from the observed variances and n and the TRUE planted effect must lie in
 * the Clopper–Pearson interval (confidence 1 − checkLevel) of the empirical power.
 *
 * Pure and deterministic for its options (no clock; progress is reported through a callback).
 */
import type { ExperimentDefinition } from '@foryou/experiments';
import type { World } from '@foryou/world';
import { runAaRuns, type AaSummary } from './aa-check';
import { analyzeRun, testMethod, type RunAnalysis, type TestMethod } from './analysis';
import type { SimulatedMetric } from './metric';
import { unsaltedAssigner, type NegativeControl } from './negative-controls';
import { runPowerRuns, type PowerSummary } from './power-check';
import type { SimulatedRun, SimulateRunOptions } from './run';

/** Default level of every calibration check (KS p, SRM-flag tail, power CI at 1 − level). */
export const DEFAULT_CHECK_LEVEL = 0.001;

export interface CalibrationProgress {
  readonly phase: 'aa' | 'power';
  /** Runs finished in this phase. */
  readonly done: number;
  readonly total: number;
}

export interface CalibrationOptions {
  readonly world: World;
  readonly definition: ExperimentDefinition;
  /** A/A runs (≥ 2). */
  readonly runs: number;
  /** Planted-effect runs; default `runs`; 0 skips the power check. */
  readonly powerRuns?: number;
  /** Lift planted in the power runs (≠ 0 when powerRuns > 0). */
  readonly lift: number;
  readonly impressionsPerUnit: number;
  /** The first `units` viewers of the world; default all. */
  readonly units?: number;
  readonly requestWindowMs?: number;
  readonly treatmentArm?: string;
  /** Salt prefix of every run; default `sim`. */
  readonly saltPrefix?: string;
  /** Significance level of the treatment test; default the definition's `analysis.alpha`. */
  readonly alpha?: number;
  /** SRM flag threshold; default the definition's `analysis.srm_threshold`. */
  readonly srmThreshold?: number;
  /** Level of the calibration checks; default 0.001. */
  readonly checkLevel?: number;
  /** Run a deliberately broken pipeline instead of the real one (see `negative-controls.ts`). */
  readonly negativeControl?: NegativeControl;
  readonly onProgress?: (progress: CalibrationProgress) => void;
}

export interface CalibrationCheck {
  readonly name: 'srm' | 'ks-uniform' | 'ks-sensitivity' | 'reshuffle' | 'power';
  readonly passed: boolean;
  readonly detail: string;
}

export interface CalibrationResult {
  readonly settings: {
    readonly experimentKey: string;
    readonly worldVersion: string;
    readonly metric: SimulatedMetric;
    readonly method: TestMethod;
    readonly treatmentArm: string;
    readonly runs: number;
    readonly powerRuns: number;
    readonly lift: number;
    readonly impressionsPerUnit: number;
    /** Viewers per run (population before assignment). */
    readonly population: number;
    readonly alpha: number;
    readonly srmThreshold: number;
    readonly checkLevel: number;
    readonly saltPrefix: string;
    readonly negativeControl: NegativeControl | null;
  };
  readonly aa: AaSummary;
  readonly power: PowerSummary | null;
  readonly checks: CalibrationCheck[];
  /** Every check passed. */
  readonly passed: boolean;
}

function validateCount(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(`${name} must be an integer ≥ ${min} (got ${value})`);
  }
}

/** Runs the A/A and planted-effect calibration; see the module comment for every check. */
export function runCalibration(options: CalibrationOptions): CalibrationResult {
  const { definition } = options;
  validateCount('runs', options.runs, 2);
  const powerRuns = options.powerRuns ?? options.runs;
  validateCount('powerRuns', powerRuns, 0);
  if (powerRuns > 0 && (options.lift === 0 || !Number.isFinite(options.lift))) {
    throw new RangeError('lift must be a finite non-zero number when powerRuns > 0');
  }
  const alpha = options.alpha ?? definition.analysis.alpha;
  const srmThreshold = options.srmThreshold ?? definition.analysis.srm_threshold;
  const checkLevel = options.checkLevel ?? DEFAULT_CHECK_LEVEL;
  const prefix = options.saltPrefix ?? 'sim';
  const fault = options.negativeControl;
  const base: Omit<SimulateRunOptions, 'salt'> = {
    world: options.world,
    definition,
    impressionsPerUnit: options.impressionsPerUnit,
    ...(options.units === undefined ? {} : { units: options.units }),
    ...(options.requestWindowMs === undefined ? {} : { requestWindowMs: options.requestWindowMs }),
    ...(options.treatmentArm === undefined ? {} : { treatmentArm: options.treatmentArm }),
    ...(fault === 'unsalted-assignment' ? { assigner: unsaltedAssigner } : {}),
  };
  const analyse = (run: SimulatedRun): RunAnalysis => analyzeRun(run, { alpha, srmThreshold });

  const { summary: aa, first } = runAaRuns({
    base,
    analyse,
    fault,
    runs: options.runs,
    weights: definition.variants.map((v) => v.weight),
    alpha,
    srmThreshold,
    checkLevel,
    saltPrefix: `${prefix}-aa`,
    onProgress: (done, total) => options.onProgress?.({ phase: 'aa', done, total }),
  });
  const { ks, reshuffle } = aa;
  const { flagged, bound } = aa.srm;

  const power =
    powerRuns > 0
      ? runPowerRuns({
          base,
          analyse,
          fault,
          runs: powerRuns,
          lift: options.lift,
          alpha,
          checkLevel,
          saltPrefix: `${prefix}-lift`,
          onProgress: (done, total) => options.onProgress?.({ phase: 'power', done, total }),
        })
      : null;

  const checks: CalibrationCheck[] = [
    {
      name: 'srm',
      passed: flagged <= bound,
      detail: `${flagged} of ${options.runs} runs flagged at p < ${srmThreshold} (expected ${aa.srm.expected.toFixed(2)}, allowed ≤ ${bound})`,
    },
    {
      name: 'ks-uniform',
      passed: ks.pValue > checkLevel,
      detail: `KS D = ${ks.statistic.toFixed(4)}, p = ${ks.pValue.toPrecision(3)} (must be > ${checkLevel})`,
    },
    {
      name: 'ks-sensitivity',
      passed: aa.sensitivity.pooledStandardError.pValue <= checkLevel,
      detail: `KS of the same runs with the pooled-SE bug: D = ${aa.sensitivity.pooledStandardError.statistic.toFixed(4)}, p = ${aa.sensitivity.pooledStandardError.pValue.toPrecision(3)} (must be ≤ ${checkLevel})`,
    },
    {
      name: 'reshuffle',
      passed: reshuffle.pValue > checkLevel,
      detail: `${reshuffle.agreements}/${reshuffle.trials} same-arm units over ${reshuffle.pairs} run pairs (rate ${reshuffle.rate.toFixed(4)}, expected ${reshuffle.expectedRate.toFixed(4)}), p = ${reshuffle.pValue.toPrecision(3)}`,
    },
  ];
  if (power !== null) {
    const within = power.analytic >= power.empirical.lower && power.analytic <= power.empirical.upper;
    checks.push({
      name: 'power',
      passed: within,
      detail: `empirical ${power.empirical.estimate.toFixed(3)} [${power.empirical.lower.toFixed(3)}, ${power.empirical.upper.toFixed(3)}] vs analytic ${power.analytic.toFixed(3)}`,
    });
  }
  return {
    settings: {
      experimentKey: definition.key,
      worldVersion: first.worldVersion,
      metric: first.metric,
      method: testMethod(first),
      treatmentArm: first.treatmentArm,
      runs: options.runs,
      powerRuns,
      lift: options.lift,
      impressionsPerUnit: options.impressionsPerUnit,
      population: first.population,
      alpha,
      srmThreshold,
      checkLevel,
      saltPrefix: prefix,
      negativeControl: fault ?? null,
    },
    aa,
    power,
    checks,
    passed: checks.every((c) => c.passed),
  };
}
