import { cupedTest, cupedTheta, type CupedOptions } from './cuped';
import { casesOf, expectGolden, expectNotGolden, loadFixture } from './testing/golden';
import type { BivariateMoments } from './types';

const file = loadFixture<unknown>('cuped');
const thetaCases = casesOf<{ arms: BivariateMoments[] }>(file, 'theta');
const tests = casesOf<{ control: BivariateMoments; treatment: BivariateMoments; options: CupedOptions }>(
  file,
  'test',
);

describe('CUPED vs own mpmath computation (cross-checked with numpy on rows)', () => {
  it.each(thetaCases.map((c) => [c.name, c] as const))('theta: %s', (_name, c) => {
    expectGolden({ theta: cupedTheta(c.input.arms) }, c.expected, `cuped theta ${c.name}`);
  });

  it.each(tests.map((c) => [c.name, c] as const))('test: %s', (_name, c) => {
    expectGolden(
      cupedTest(c.input.control, c.input.treatment, c.input.options),
      c.expected,
      `cuped ${c.name}`,
    );
  });

  it('reduces the variance by about ρ² when the covariate is strongly correlated', () => {
    const c = tests.find((t) => t.name.startsWith('strong correlation'));
    if (!c) {
      throw new Error('fixture missing');
    }
    const r = cupedTest(c.input.control, c.input.treatment, c.input.options);
    expect(r.fallback).toBe(false);
    expect(r.varianceReduction).toBeGreaterThan(0.5);
    expect(Math.abs(r.varianceReduction - r.pooledCorrelation ** 2)).toBeLessThan(0.05);
    expect(r.ciWidthRatio).toBeCloseTo(Math.sqrt(1 - r.varianceReduction), 2);
  });

  it('falls back to θ = 0 (the unadjusted test) when the pre-period is constant', () => {
    const c = tests.find((t) => t.name.startsWith('zero pre-period'));
    if (!c) {
      throw new Error('fixture missing');
    }
    const r = cupedTest(c.input.control, c.input.treatment, c.input.options);
    expect(r.theta).toBe(0);
    expect(r.fallback).toBe(true);
    expect(r.adjusted.absolute.pValue).toBeCloseTo(r.unadjusted.absolute.pValue, 14);
  });

  it('a perturbed Σxy does not match the golden values', () => {
    const c = tests[0];
    if (!c) {
      throw new Error('no CUPED fixture');
    }
    const treatment = { ...c.input.treatment, sumXY: c.input.treatment.sumXY * (1 + 1e-6) };
    expectNotGolden(cupedTest(c.input.control, treatment, c.input.options), c.expected);
  });

  it('rejects a non-finite θ override', () => {
    const arm = { n: 3, sumY: 3, sumYSq: 5, sumX: 3, sumXSq: 5, sumXY: 4 };
    expect(() => cupedTest(arm, arm, { theta: Number.NaN })).toThrow(RangeError);
  });
});
