import {
  chiSquareSf,
  kolmogorovSf,
  normalCdf,
  normalQuantile,
  normalSf,
  studentTwoSidedP,
  tQuantile,
} from './special';
import { casesOf, expectGolden, expectNotGolden, loadFixture } from './testing/golden';

const file = loadFixture<unknown>('special');
const only = <I>(kind: string): { input: I; expected: unknown } => {
  const [c] = casesOf<I>(file, kind);
  if (!c) {
    throw new Error(`fixture kind ${kind} missing`);
  }
  return c;
};

describe('distribution tails vs scipy', () => {
  it('chiSquareSf = scipy.stats.chi2.sf (regularized upper incomplete gamma)', () => {
    const c = only<{ x: number; df: number }[]>('chiSquareSf');
    expectGolden(
      c.input.map(({ x, df }) => chiSquareSf(x, df)),
      c.expected,
      'special chiSquareSf',
      { relativeOnly: true },
    );
  });

  it('studentTwoSidedP = 2·scipy.stats.t.sf(|t|, df), including 1e-200 tails and df = 1e9', () => {
    const c = only<{ t: number; df: number }[]>('studentTwoSidedP');
    expectGolden(
      c.input.map(({ t, df }) => studentTwoSidedP(t, df)),
      c.expected,
      'special studentTwoSidedP',
      { relativeOnly: true },
    );
  });

  it('tQuantile = scipy.stats.t.ppf', () => {
    const c = only<{ p: number; df: number }[]>('tQuantile');
    expectGolden(
      c.input.map(({ p, df }) => tQuantile(p, df)),
      c.expected,
      'special tQuantile',
    );
  });

  it('normal quantile, cdf and sf = scipy.stats.norm', () => {
    const q = only<number[]>('normalQuantile');
    expectGolden(q.input.map(normalQuantile), q.expected, 'special normalQuantile');
    const cdf = only<number[]>('normalCdf');
    expectGolden(cdf.input.map(normalCdf), cdf.expected, 'special normalCdf', { relativeOnly: true });
    const sf = only<number[]>('normalSf');
    expectGolden(sf.input.map(normalSf), sf.expected, 'special normalSf', { relativeOnly: true });
  });

  it('keeps relative precision in the far tail where 1 − cdf would not', () => {
    const c = only<{ x: number; df: number }[]>('chiSquareSf');
    // A perturbed implementation (1 − (1 − sf), i.e. going through the cdf) must fail.
    expectNotGolden(
      c.input.map(({ x, df }) => 1 - (1 - chiSquareSf(x, df))),
      c.expected,
      { relativeOnly: true },
    );
  });

  it('handles the edges', () => {
    expect(chiSquareSf(0, 3)).toBe(1);
    expect(chiSquareSf(Number.NaN, 3)).toBeNaN();
    expect(studentTwoSidedP(0, 10)).toBe(1);
    expect(studentTwoSidedP(Number.POSITIVE_INFINITY, 10)).toBe(0);
    expect(studentTwoSidedP(1.959963984540054, Number.POSITIVE_INFINITY)).toBeCloseTo(0.05, 14);
    expect(studentTwoSidedP(2, Number.NaN)).toBeNaN();
    expect(tQuantile(0.975, Number.POSITIVE_INFINITY)).toBeCloseTo(1.959963984540054, 14);
    expect(kolmogorovSf(0)).toBe(1);
    expect(kolmogorovSf(Number.NaN)).toBeNaN();
  });
});
