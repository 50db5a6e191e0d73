import fc from 'fast-check';
import { nearestRankPercentile, summarizeLatencies } from './latency-summary';

describe('nearestRankPercentile', () => {
  // The worked examples of the nearest-rank method (Wikipedia, "Percentile").
  const five = [15, 20, 35, 40, 50];
  it.each([
    [5, 15],
    [30, 20],
    [40, 20],
    [50, 35],
    [100, 50],
  ])('p%d of [15, 20, 35, 40, 50] is %d', (p, expected) => {
    expect(nearestRankPercentile(five, p)).toBe(expected);
  });

  it.each([
    [25, 7],
    [50, 8],
    [75, 15],
    [100, 20],
  ])('p%d of [3, 6, 7, 8, 8, 10, 13, 15, 16, 20] is %d', (p, expected) => {
    expect(nearestRankPercentile([3, 6, 7, 8, 8, 10, 13, 15, 16, 20], p)).toBe(expected);
  });

  it('p0 is the minimum', () => {
    expect(nearestRankPercentile([2, 4, 9], 0)).toBe(2);
  });

  it('rejects an empty sample set and out-of-range percentiles', () => {
    expect(() => nearestRankPercentile([], 50)).toThrow(/empty/);
    expect(() => nearestRankPercentile([1], -1)).toThrow(/\[0, 100\]/);
    expect(() => nearestRankPercentile([1], 100.5)).toThrow(/\[0, 100\]/);
    expect(() => nearestRankPercentile([1], Number.NaN)).toThrow(/\[0, 100\]/);
  });

  it('always returns a sample and is monotone in p', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1e4, noNaN: true }), { minLength: 1, maxLength: 200 }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        (samples, a, b) => {
          const sorted = [...samples].sort((x, y) => x - y);
          const [lo, hi] = a <= b ? [a, b] : [b, a];
          const vLo = nearestRankPercentile(sorted, lo);
          expect(sorted).toContain(vLo);
          expect(vLo).toBeLessThanOrEqual(nearestRankPercentile(sorted, hi));
        },
      ),
    );
  });
});

describe('summarizeLatencies', () => {
  it('is undefined without samples', () => {
    expect(summarizeLatencies([])).toBeUndefined();
  });

  it('summarises 1..100 ms (unsorted input, left untouched)', () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i);
    const copy = [...samples];
    expect(summarizeLatencies(samples)).toEqual({
      count: 100,
      min: 1,
      mean: 50.5,
      p50: 50,
      p95: 95,
      p99: 99,
      max: 100,
    });
    expect(samples).toEqual(copy);
  });

  it('a single sample is every percentile', () => {
    expect(summarizeLatencies([7.5])).toMatchObject({ count: 1, min: 7.5, p50: 7.5, p99: 7.5, max: 7.5 });
  });
});
