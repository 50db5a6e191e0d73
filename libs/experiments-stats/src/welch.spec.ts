import { proportionMoments } from './moments';
import { expectGolden, expectNotGolden, loadFixture } from './testing/golden';
import type { UnivariateMoments } from './types';
import { armEstimate, compareArms, welchTest, type WelchOptions } from './welch';

interface WelchInput {
  control: UnivariateMoments;
  treatment: UnivariateMoments;
  options: WelchOptions;
}

const welch = loadFixture<WelchInput>('welch');

describe('welchTest vs scipy.stats.ttest_ind(equal_var=False) and the delta method', () => {
  it.each(welch.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expectGolden(
      welchTest(c.input.control, c.input.treatment, c.input.options),
      c.expected,
      `welch ${c.name}`,
    );
  });

  it('reproduces experiments.md vector 2 (GrowthBook)', () => {
    const r = welchTest(
      { n: 3407, sum: 1396.87, sumSq: 52377.9767 },
      { n: 3461, sum: 2422.7, sumSq: 134698.29 },
    );
    expect(r.absolute.estimate).toBeCloseTo(0.29, 12);
    expect(r.absolute.se).toBeCloseTo(0.124784, 6);
    expect(r.absolute.df).toBeCloseTo(5841.74, 2);
    expect(r.absolute.ci[0]).toBeCloseTo(0.04538, 5);
    expect(r.absolute.ci[1]).toBeCloseTo(0.53462, 5);
    expect(r.absolute.pValue).toBeCloseTo(0.020158, 6);
    expect(r.relative?.estimate).toBeCloseTo(0.707317, 6);
    expect(r.relative?.se).toBeCloseTo(0.378794, 6);
    expect(r.relative?.ci[0]).toBeCloseTo(-0.03526, 5);
    expect(r.relative?.ci[1]).toBeCloseTo(1.44989, 5);
    expect(r.relative?.pValue).toBeCloseTo(0.061912, 6);
  });

  it('reproduces experiments.md vector 3 (binomial, GrowthBook variance p(1 − p))', () => {
    const r = welchTest(proportionMoments(28, 14), proportionMoments(30, 16), { variance: 'bernoulli' });
    expect(r.relative?.estimate).toBeCloseTo(0.066667, 6);
    expect(r.relative?.pValue).toBeCloseTo(0.80707, 5);
  });

  it('a perturbed input does not match the golden values', () => {
    const c = welch.cases[0];
    if (!c) {
      throw new Error('no Welch fixture');
    }
    const treatment = { ...c.input.treatment, sum: c.input.treatment.sum * (1 + 1e-6) };
    expectNotGolden(welchTest(c.input.control, treatment, c.input.options), c.expected);
  });

  it('two constant arms: zero SE, CI collapses, p = 0 for a difference and NaN for none', () => {
    const differ = welchTest({ n: 3, sum: 3, sumSq: 3 }, { n: 3, sum: 6, sumSq: 12 });
    expect(differ.absolute.se).toBe(0);
    expect(differ.absolute.pValue).toBe(0);
    expect(differ.absolute.t).toBe(Number.POSITIVE_INFINITY);
    expect(differ.absolute.ci).toEqual([1, 1]);
    const same = welchTest({ n: 3, sum: 3, sumSq: 3 }, { n: 4, sum: 4, sumSq: 4 });
    expect(same.absolute.pValue).toBeNaN();
    expect(same.absolute.df).toBeNaN();
  });

  it('rejects n < 2, non-finite sums, bad alpha and non-binary means with bernoulli variance', () => {
    expect(() => welchTest({ n: 1, sum: 1, sumSq: 1 }, { n: 5, sum: 5, sumSq: 6 })).toThrow(RangeError);
    expect(() => welchTest({ n: 5, sum: Number.NaN, sumSq: 1 }, { n: 5, sum: 5, sumSq: 6 })).toThrow(
      RangeError,
    );
    expect(() => welchTest({ n: 5, sum: 1, sumSq: 1 }, { n: 5, sum: 5, sumSq: 6 }, { alpha: 1 })).toThrow(
      RangeError,
    );
    expect(() => armEstimate({ n: 5, sum: 10, sumSq: 30 }, 'bernoulli')).toThrow(RangeError);
    expect(() => compareArms({ n: 2.5, mean: 0, variance: 1 }, { n: 5, mean: 0, variance: 1 })).toThrow(
      RangeError,
    );
  });

  it('relative lift is null when the control mean is 0', () => {
    expect(welchTest({ n: 4, sum: 0, sumSq: 4 }, { n: 4, sum: 2, sumSq: 4 }).relative).toBeNull();
  });
});
