/**
 * The simulation check of the experiment system (issue: "with the world's engagement simulator, an
 * A/A run yields no SRM and uniform p-values (KS test over many re-salted runs), and a planted effect
 * is detected with the expected power").
 *
 * Sizes: 400 viewers of the small world (≈ 190 analysed per arm) × 20 impressions; 200 A/A runs and
 * 100 planted-effect runs. With 200 runs the KS test rejects (p ≤ 0.001) when the empirical
 * distribution of the p-values is at sup-distance D ≥ 1.95/√200 ≈ 0.14 from uniform — the expected D
 * of a standard error understated by ≈ 35 %; the negative control below (an SE too small by a
 * factor ≈ 2) is at D ≈ 0.34. Everything is seeded, so the outcome is the same on every machine; the
 * bounds are nonetheless set from the sampling distributions at level 0.001, not from the observed
 * values.
 */
import { loadExperiments, type ExperimentDefinition } from '@foryou/experiments';
import { binomialUpperBound, runCalibration, type CalibrationResult } from '@foryou/experiments-sim';
import { generateWorld, type World } from '@foryou/world';
import { join } from 'node:path';

jest.setTimeout(120_000); // typically ≈ 15 s on 2 shared cores; the limit only guards a hang

const LEVEL = 0.001;
const RUNS = 200;
const POWER_RUNS = 100;
const LIFT = 0.3;

describe('simulation check on the small world (aa-calibration.yaml)', () => {
  let world: World;
  let definition: ExperimentDefinition;
  let result: CalibrationResult;

  beforeAll(async () => {
    world = generateWorld({ seed: 42, scale: 'small' });
    const definitions = await loadExperiments(join(__dirname, '..', '..', '..', '..', 'experiments'));
    definition = definitions.find((d) => d.key === 'aa-calibration')!;
    result = runCalibration({
      world,
      definition,
      runs: RUNS,
      powerRuns: POWER_RUNS,
      lift: LIFT,
      impressionsPerUnit: 20,
      units: 400,
      checkLevel: LEVEL,
    });
  });

  it('analyses the A/A runs with the report test on the primary metric', () => {
    expect(result.settings).toMatchObject({
      experimentKey: 'aa-calibration',
      method: 'ratio-delta-method',
      treatmentArm: 'twin',
      alpha: 0.05,
      srmThreshold: 0.001,
    });
    expect(result.aa.pValues).toHaveLength(RUNS);
    // 400 viewers minus the 5 % global holdout, split 50/50.
    expect(result.aa.meanAssigned.reduce((a, b) => a + b, 0)).toBeGreaterThan(360);
  });

  it('flags SRM no more often than Binomial(R, 0.001) allows', () => {
    const bound = binomialUpperBound(RUNS, 0.001, LEVEL);
    expect(bound).toBe(3); // P(X ≥ 4) = 5.5e-5 ≤ 0.001 < P(X ≥ 3) = 1.1e-3
    expect(result.aa.srm.bound).toBe(bound);
    expect(result.aa.srm.flagged).toBeLessThanOrEqual(bound);
  });

  it('yields uniform A/A p-values (KS p > 0.001) with a calibrated SE and false-positive rate', () => {
    expect(result.aa.ks.n).toBe(RUNS);
    expect(result.aa.ks.pValue).toBeGreaterThan(LEVEL);
    const fp = result.aa.falsePositives;
    expect(fp.lower).toBeLessThanOrEqual(0.05);
    expect(fp.upper).toBeGreaterThanOrEqual(0.05);
    // sd(estimates)/rms(SE) has sampling sd ≈ 1/√(2R) = 0.05: ±0.25 is 5 sd.
    expect(Math.abs(result.aa.seRatio - 1)).toBeLessThan(0.25);
  });

  it('redraws the split on every re-salt (agreement rate Σw² = 0.5)', () => {
    expect(result.aa.reshuffle.pairs).toBe(RUNS / 2);
    expect(result.aa.reshuffle.expectedRate).toBe(0.5);
    expect(result.aa.reshuffle.pValue).toBeGreaterThan(LEVEL);
  });

  it('NEGATIVE CONTROL: the KS check rejects the same runs analysed with a wrongly pooled SE', () => {
    expect(result.aa.sensitivity.pooledStandardError.n).toBe(RUNS);
    expect(result.aa.sensitivity.pooledStandardError.pValue).toBeLessThanOrEqual(LEVEL);
    expect(result.checks.find((c) => c.name === 'ks-sensitivity')?.passed).toBe(true);
  });

  it('detects the planted effect with the power the analytic formula predicts', () => {
    const power = result.power!;
    expect(power.runs).toBe(POWER_RUNS);
    expect(power.cappedShare).toBe(0);
    expect(power.effectiveLift).toBeCloseTo(LIFT, 10);
    // The analytic power from the observed variances and n lies in the 99.9 % Clopper–Pearson CI.
    expect(power.empirical.confidence).toBe(1 - LEVEL);
    expect(power.analytic).toBeGreaterThanOrEqual(power.empirical.lower);
    expect(power.analytic).toBeLessThanOrEqual(power.empirical.upper);
    // The design has real, not trivial, power (so the comparison says something).
    expect(power.analytic).toBeGreaterThan(0.3);
    expect(power.analytic).toBeLessThan(0.9);
    // The estimator is unbiased for the planted lift: mean estimate within 5 sd of it.
    expect(Math.abs(power.meanRelativeEstimate - LIFT)).toBeLessThan(0.1);
  });

  it('passes every check', () => {
    expect(result.checks.filter((c) => !c.passed)).toEqual([]);
    expect(result.passed).toBe(true);
  });

  it('NEGATIVE CONTROL: an assignment that ignores the salt fails the reshuffle check', () => {
    const broken = runCalibration({
      world,
      definition,
      runs: 20,
      powerRuns: 0,
      lift: 0,
      impressionsPerUnit: 5,
      units: 400,
      negativeControl: 'unsalted-assignment',
    });
    expect(broken.aa.reshuffle.rate).toBe(1);
    expect(broken.aa.reshuffle.pValue).toBeLessThan(1e-100);
    expect(broken.checks.find((c) => c.name === 'reshuffle')?.passed).toBe(false);
    expect(broken.passed).toBe(false);
  });
});
