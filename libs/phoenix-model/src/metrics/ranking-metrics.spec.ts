import { binaryGains, ndcgAtK, recallAtK, summarize } from './ranking-metrics';

describe('recallAtK', () => {
  it("the book's example: R = {B, D}, C_3 = {A, B, C} → 1/2", () => {
    expect(recallAtK(['A', 'B', 'C'], new Set(['B', 'D']), 3)).toBe(0.5);
  });

  it('only the first K count; fewer than K results are misses, not a smaller denominator', () => {
    expect(recallAtK(['A', 'B', 'C'], new Set(['C']), 2)).toBe(0);
    expect(recallAtK(['C'], new Set(['C', 'D']), 10)).toBe(0.5);
  });

  it('|R| = 0 is undefined (null): the user is excluded, not scored 0 or 1', () => {
    expect(recallAtK(['A'], new Set(), 10)).toBeNull();
  });

  it('a duplicated id counts once', () => {
    expect(recallAtK(['B', 'B'], new Set(['B', 'D']), 2)).toBe(0.5);
  });
});

describe('ndcgAtK', () => {
  // Graded gains A=3, B=2, C=0: DCG(A,B,C) = 7/log2(2) + 3/log2(3) = 7 + 1.8928…; it is the ideal order.
  const gains = new Map([
    ['A', 3],
    ['B', 2],
    ['C', 0],
  ]);

  it('is 1 for the ideal order and the hand-computed ratio otherwise', () => {
    expect(ndcgAtK(['A', 'B', 'C'], gains, 3)).toBeCloseTo(1, 12);
    const idcg = 7 + 3 / Math.log2(3);
    const dcg = 0 + 3 / Math.log2(3) + 7 / Math.log2(4); // C, B, A
    expect(ndcgAtK(['C', 'B', 'A'], gains, 3)).toBeCloseTo(dcg / idcg, 12);
  });

  it('binary gains: one relevant item at rank 2 of 2 relevant → (1/log2 3) / (1 + 1/log2 3)', () => {
    const value = ndcgAtK(['X', 'B', 'Y'], binaryGains(['B', 'D']), 3);
    expect(value).toBeCloseTo(1 / Math.log2(3) / (1 + 1 / Math.log2(3)), 12);
  });

  it('IDCG = 0 (no positive gain, empty R, or K = 0) is undefined (null)', () => {
    expect(ndcgAtK(['A', 'B'], new Map([['A', 0]]), 2)).toBeNull();
    expect(ndcgAtK(['A'], binaryGains([]), 5)).toBeNull();
    expect(ndcgAtK(['A'], binaryGains(['A']), 0)).toBeNull();
  });

  it('a duplicated id earns its gain once', () => {
    expect(ndcgAtK(['A', 'A'], binaryGains(['A', 'B']), 2)).toBeCloseTo(1 / (1 + 1 / Math.log2(3)), 12);
  });
});

describe('summarize', () => {
  it('averages the defined values and counts the undefined ones', () => {
    const s = summarize([1, 0, null, 0.5, null]);
    expect(s.mean).toBeCloseTo(0.5, 12);
    expect(s.n).toBe(3);
    expect(s.excluded).toBe(2);
    expect(s.ci95).toBeCloseTo((1.96 * 0.5) / Math.sqrt(3), 12);
  });

  it('no defined value: NaN mean, everything excluded', () => {
    const s = summarize([null]);
    expect(s.n).toBe(0);
    expect(s.excluded).toBe(1);
    expect(Number.isNaN(s.mean)).toBe(true);
  });
});
