import { compareSplits, ReshuffleAccumulator } from './reshuffle';

describe('the reshuffle check', () => {
  it('counts units analysed in both runs and those in the same arm', () => {
    const a = Int8Array.from([0, 1, -1, 1, 0]);
    const b = Int8Array.from([0, 0, 1, 1, -1]);
    expect(compareSplits(a, b)).toEqual({ trials: 3, agreements: 2 });
    expect(() => compareSplits(a, Int8Array.from([0]))).toThrow(RangeError);
  });

  it('pairs the runs (0, 1), (2, 3), … and tests agreement against Σw²', () => {
    const acc = new ReshuffleAccumulator([0.2, 0.8]);
    const same = Int8Array.from({ length: 100 }, (_, i) => (i % 5 === 0 ? 0 : 1));
    acc.add(same);
    acc.add(same); // pair 1: 100 % agreement
    acc.add(same); // unpaired: ignored
    const s = acc.summary();
    expect(s).toMatchObject({ pairs: 1, trials: 100, agreements: 100, rate: 1 });
    expect(s.expectedRate).toBeCloseTo(0.04 + 0.64, 15);
    expect(s.pValue).toBeLessThan(1e-15); // 0.68^100 ≈ 1.6e-17, doubled
  });

  it('reports no evidence without pairs', () => {
    expect(new ReshuffleAccumulator([1, 1]).summary()).toMatchObject({ pairs: 0, trials: 0, pValue: 1 });
  });
});
