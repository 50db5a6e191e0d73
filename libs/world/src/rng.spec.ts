import { createRng, cumulative, deriveSeed, sampleCdf, sampleGamma } from './rng';

function take(seed: number, n: number): number[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => rng.next());
}

describe('createRng', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    expect(take(7, 50)).toEqual(take(7, 50));
    expect(take(7, 50)).not.toEqual(take(8, 50));
    expect(take(2 ** 40, 10)).not.toEqual(take(0, 10));
  });

  it('next() is uniform in [0, 1)', () => {
    const xs = take(1, 20_000);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean).toBeGreaterThan(0.49);
    expect(mean).toBeLessThan(0.51);
    const buckets = new Array<number>(10).fill(0);
    for (const x of xs) {
      buckets[Math.floor(x * 10)]!++;
    }
    for (const b of buckets) {
      expect(b).toBeGreaterThan(1_800);
      expect(b).toBeLessThan(2_200);
    }
  });

  it('int() stays in range and hits every value; rejects an empty range', () => {
    const rng = createRng(3);
    const seen = new Set<number>();
    for (let i = 0; i < 2_000; i++) {
      seen.add(rng.int(7));
    }
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(() => rng.int(0)).toThrow(RangeError);
  });

  it('normal() has mean ~0 and variance ~1', () => {
    const rng = createRng(5);
    const n = 40_000;
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const x = rng.normal();
      s += x;
      s2 += x * x;
    }
    expect(Math.abs(s / n)).toBeLessThan(0.03);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.05);
  });

  it('rejects non-finite seeds', () => {
    expect(() => createRng(Number.NaN)).toThrow(RangeError);
  });
});

describe('helpers', () => {
  it('deriveSeed separates streams deterministically', () => {
    expect(deriveSeed(1, 2, 3)).toBe(deriveSeed(1, 2, 3));
    const seeds = new Set([
      deriveSeed(1),
      deriveSeed(1, 0),
      deriveSeed(1, 1),
      deriveSeed(1, 2),
      deriveSeed(2, 1),
    ]);
    expect(seeds.size).toBe(5);
  });

  it('sampleCdf follows the weights and never picks zero-weight entries', () => {
    const cdf = cumulative([1, 0, 3]);
    const rng = createRng(9);
    const counts = [0, 0, 0];
    for (let i = 0; i < 8_000; i++) {
      counts[sampleCdf(cdf, rng.next())]!++;
    }
    expect(counts[1]).toBe(0);
    expect(counts[2]! / counts[0]!).toBeGreaterThan(2.6);
    expect(counts[2]! / counts[0]!).toBeLessThan(3.4);
  });

  it('sampleGamma has mean ≈ shape', () => {
    const rng = createRng(11);
    for (const shape of [0.2, 1, 3]) {
      let s = 0;
      for (let i = 0; i < 20_000; i++) {
        s += sampleGamma(rng, shape);
      }
      expect(Math.abs(s / 20_000 - shape)).toBeLessThan(0.06 * Math.max(1, shape));
    }
  });
});
