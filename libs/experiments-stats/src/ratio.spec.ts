import { ratioArmEstimate, ratioTest } from './ratio';
import { casesOf, expectGolden, expectNotGolden, loadFixture } from './testing/golden';
import type { BivariateMoments } from './types';

const file = loadFixture<unknown>('ratio');
const arms = casesOf<{ arm: BivariateMoments }>(file, 'arm');
const tests = casesOf<{ control: BivariateMoments; treatment: BivariateMoments; options: { alpha: number } }>(
  file,
  'test',
);

describe('ratio metrics (delta method) vs own mpmath computation', () => {
  it.each(arms.map((c) => [c.name, c] as const))('arm: %s', (_name, c) => {
    expectGolden(ratioArmEstimate(c.input.arm), c.expected, `ratio arm ${c.name}`);
  });

  it.each(tests.map((c) => [c.name, c] as const))('test: %s', (_name, c) => {
    expectGolden(
      ratioTest(c.input.control, c.input.treatment, c.input.options),
      c.expected,
      `ratio ${c.name}`,
    );
  });

  it('reproduces experiments.md vector 7: R = 1.428571, SE = 0.314511', () => {
    const r = ratioArmEstimate({ n: 5, sumY: 10, sumYSq: 30, sumX: 7, sumXSq: 11, sumXY: 17 });
    expect(r.mean).toBeCloseTo(1.428571, 6);
    expect(Math.sqrt(r.ratioVariance)).toBeCloseTo(0.314511, 6);
  });

  it('a perturbed Σxy does not match the golden values', () => {
    const c = tests[0];
    if (!c) {
      throw new Error('no ratio fixture');
    }
    const control = { ...c.input.control, sumXY: c.input.control.sumXY * (1 + 1e-5) };
    expectNotGolden(ratioTest(control, c.input.treatment, c.input.options), c.expected);
  });

  it('rejects a zero denominator and n < 2', () => {
    expect(() => ratioArmEstimate({ n: 3, sumY: 1, sumYSq: 1, sumX: 0, sumXSq: 0, sumXY: 0 })).toThrow(
      RangeError,
    );
    expect(() => ratioArmEstimate({ n: 1, sumY: 1, sumYSq: 1, sumX: 1, sumXSq: 1, sumXY: 1 })).toThrow(
      RangeError,
    );
  });
});
