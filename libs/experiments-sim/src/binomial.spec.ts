import {
  binomialLowerTail,
  binomialTwoSidedP,
  binomialUpperBound,
  binomialUpperTail,
  clopperPearson,
  wilsonInterval,
} from './binomial';

// Reference values: scipy 1.17.1 (binom.sf, beta.ppf for Clopper–Pearson, norm.isf for Wilson).
const rel = (actual: number, expected: number): number => Math.abs(actual - expected) / Math.abs(expected);

describe('binomial tails', () => {
  it.each([
    [10, 0.5, 8, 0.0546875], // binom.sf(7, 10, 0.5)
    [200, 0.001, 4, 5.5322622658978316e-5], // binom.sf(3, 200, 0.001)
    [200, 0.001, 3, 0.0011337680974626502],
  ])('P(Binomial(%i, %f) ≥ %i) = %f', (n, p, k, expected) => {
    expect(rel(binomialUpperTail(n, p, k), expected)).toBeLessThan(1e-9);
  });

  it('handles the edges', () => {
    expect(binomialUpperTail(10, 0.3, 0)).toBe(1);
    expect(binomialUpperTail(10, 0.3, 11)).toBe(0);
    expect(binomialUpperTail(10, 0, 1)).toBe(0);
    expect(binomialUpperTail(10, 1, 10)).toBe(1);
    expect(rel(binomialLowerTail(1000, 0.5, 480), 0.10872414660207075)).toBeLessThan(1e-9);
    expect(() => binomialUpperTail(-1, 0.5, 1)).toThrow(RangeError);
    expect(() => binomialUpperTail(10, 1.5, 1)).toThrow(RangeError);
  });

  it('bounds the SRM flags of correct A/A runs by the binomial tail', () => {
    // P(X ≥ 3) = 1.1e-3 > 1e-3 but P(X ≥ 4) = 5.5e-5 ≤ 1e-3 for X ~ Binomial(200, 0.001).
    expect(binomialUpperBound(200, 0.001, 0.001)).toBe(3);
    expect(binomialUpperBound(1000, 0.001, 0.001)).toBe(5);
    expect(binomialUpperBound(10, 0, 0.001)).toBe(0);
    expect(() => binomialUpperBound(10, 0.1, 0)).toThrow(RangeError);
  });
});

describe('proportion intervals', () => {
  it.each([
    [53, 100, 0.3635861507422135, 0.6918630340672957],
    [72, 100, 0.5546470621734474, 0.8518733897501636],
    [0, 50, 0, 0.14102722316237137],
    [50, 50, 0.8589727768376305, 1],
  ])('Clopper–Pearson 99.9 %% of %i/%i matches scipy', (x, n, lower, upper) => {
    const ci = clopperPearson(x, n, 0.999);
    expect(Math.abs(ci.lower - lower)).toBeLessThan(1e-9);
    expect(Math.abs(ci.upper - upper)).toBeLessThan(1e-9);
    expect(ci.estimate).toBe(x / n);
    expect(ci.method).toBe('clopper-pearson');
  });

  it('Wilson 99.9 % of 53/100 matches the formula evaluated in scipy', () => {
    const ci = wilsonInterval(53, 100, 0.999);
    expect(Math.abs(ci.lower - 0.3710401857132031)).toBeLessThan(1e-12);
    expect(Math.abs(ci.upper - 0.6830979696872379)).toBeLessThan(1e-12);
  });

  it('rejects impossible inputs', () => {
    expect(() => clopperPearson(5, 4, 0.95)).toThrow(RangeError);
    expect(() => clopperPearson(1, 0, 0.95)).toThrow(RangeError);
    expect(() => wilsonInterval(1, 4, 1)).toThrow(RangeError);
  });
});

describe('binomialTwoSidedP', () => {
  it('doubles the smaller exact tail (scipy binomtest(480, 1000, 0.5) = 0.2174482932)', () => {
    expect(binomialTwoSidedP(1000, 0.5, 480)).toBeCloseTo(0.2174482932041415, 10);
    expect(binomialTwoSidedP(0, 0.5, 0)).toBe(1);
    expect(binomialTwoSidedP(100, 0.5, 100)).toBeLessThan(1e-29);
  });
});
