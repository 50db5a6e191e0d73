import fc from 'fast-check';

import { proportionMoments } from './moments';
import {
  classifyNonInferiority,
  msprt,
  msprtSequence,
  nonInferiority,
  rhoFromNStar,
  sequentialDifferenceInMeans,
  type NonInferiorityOptions,
  type SequentialLook,
  type SequentialOptions,
} from './sequential';
import { casesOf, expectGolden, expectNotGolden, loadFixture } from './testing/golden';
import type { UnivariateMoments } from './types';
import { welchTest } from './welch';

const file = loadFixture<unknown>('sequential');
type ArmsInput = { control: UnivariateMoments; treatment: UnivariateMoments; options: SequentialOptions };

describe('mSPRT and normal-mixture confidence sequences vs own mpmath computation', () => {
  const looks = casesOf<{ look: SequentialLook; options: SequentialOptions }>(file, 'look');
  it.each(looks.map((c) => [c.name, c] as const))('look: %s', (_name, c) => {
    expectGolden(msprt(c.input.look, c.input.options), c.expected, `sequential look ${c.name}`);
  });

  it('reproduces experiments.md vector 6: Λ = 28.403, p = 0.03521', () => {
    const r = msprt({ estimate: 0.1, variance: 0.001, n: 1000 }, { mixing: { tau2: 0.01 } });
    expect(r.likelihoodRatio).toBeCloseTo(28.403, 3);
    expect(r.pValue).toBeCloseTo(0.03521, 5);
  });

  const rel = casesOf<ArmsInput>(file, 'relativeProportions');
  it.each(rel.map((c) => [c.name, c] as const))('relative lift: %s', (_name, c) => {
    const w = welchTest(c.input.control, c.input.treatment, { variance: 'bernoulli' });
    if (!w.relative) {
      throw new Error('relative lift missing');
    }
    const look = { estimate: w.relative.estimate, variance: w.relative.se ** 2, n: w.nTotal };
    expectGolden(msprt(look, c.input.options), c.expected, `sequential relative ${c.name}`);
  });

  it('reproduces experiments.md vector 4: CS (0.40098, 0.60675) with N* = 5000', () => {
    const w = welchTest(proportionMoments(3000, 1396), proportionMoments(3461, 2422), {
      variance: 'bernoulli',
    });
    const r = msprt({
      estimate: w.relative?.estimate ?? 0,
      variance: (w.relative?.se ?? 0) ** 2,
      n: w.nTotal,
    });
    expect(r.estimate).toBeCloseTo(0.50386, 5);
    expect(r.ci[0]).toBeCloseTo(0.40098, 5);
    expect(r.ci[1]).toBeCloseTo(0.60675, 5);
  });

  const diffs = casesOf<ArmsInput>(file, 'differenceInMeans');
  it.each(diffs.map((c) => [c.name, c] as const))('difference in means: %s', (_name, c) => {
    expectGolden(
      sequentialDifferenceInMeans(c.input.control, c.input.treatment, c.input.options),
      c.expected,
      `sequential diff ${c.name}`,
    );
  });

  const seqs = casesOf<{ looks: SequentialLook[]; options: SequentialOptions }>(file, 'sequence');
  it.each(seqs.map((c) => [c.name, c] as const))('sequence: %s (running-min p, running CS)', (_name, c) => {
    expectGolden(msprtSequence(c.input.looks, c.input.options), c.expected, `sequential sequence ${c.name}`);
  });

  const ni = casesOf<{ look: SequentialLook; options: NonInferiorityOptions }>(file, 'nonInferiority');
  it.each(ni.map((c) => [c.name, c] as const))('non-inferiority: %s', (_name, c) => {
    expectGolden(nonInferiority(c.input.look, c.input.options), c.expected, `sequential NI ${c.name}`);
  });

  it('a perturbed estimate does not match the golden values', () => {
    const c = diffs[0];
    if (!c) {
      throw new Error('fixture missing');
    }
    const treatment = { ...c.input.treatment, sum: c.input.treatment.sum * (1 + 1e-6) };
    expectNotGolden(sequentialDifferenceInMeans(c.input.control, treatment, c.input.options), c.expected);
  });

  it('p ≤ α exactly when θ₀ is outside the confidence sequence (duality)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -2, max: 2, noNaN: true }),
        fc.double({ min: 1e-6, max: 1, noNaN: true }),
        fc.integer({ min: 10, max: 1_000_000 }),
        fc.constantFrom(0.01, 0.05, 0.1),
        (estimate, variance, n, alpha) => {
          const r = msprt({ estimate, variance, n }, { alpha });
          const outside = 0 < r.ci[0] || 0 > r.ci[1];
          const margin = Math.abs(r.pValue - alpha) < 1e-9 * alpha;
          return margin || outside === r.pValue <= alpha;
        },
      ),
      { seed: 42, numRuns: 500 },
    );
  });

  it('the always-valid p-value never increases and the running CS never widens', () => {
    const seq = msprtSequence([
      { estimate: 0.5, variance: 0.01, n: 100 },
      { estimate: 0.0, variance: 0.005, n: 200 },
      { estimate: 0.1, variance: 0.002, n: 500 },
    ]);
    for (let i = 1; i < seq.length; i += 1) {
      const [prev, cur] = [seq[i - 1]!, seq[i]!];
      expect(cur.alwaysValidPValue).toBeLessThanOrEqual(prev.alwaysValidPValue);
      expect(cur.runningCi[0]).toBeGreaterThanOrEqual(prev.runningCi[0]);
      expect(cur.runningCi[1]).toBeLessThanOrEqual(prev.runningCi[1]);
    }
  });

  it('validates its parameters and handles V = 0', () => {
    expect(() => rhoFromNStar(0, 0.05)).toThrow(RangeError);
    expect(() => msprt({ estimate: 0, variance: 1, n: 10 }, { mixing: { tau2: 0 } })).toThrow(RangeError);
    expect(() => msprt({ estimate: 0, variance: 1, n: 0 }, { mixing: { nStar: 5000 } })).toThrow(RangeError);
    expect(() => msprt({ estimate: 0, variance: -1, n: 10 })).toThrow(RangeError);
    expect(() => msprt({ estimate: 0, variance: 1, n: 10 }, { alpha: 0 })).toThrow(RangeError);
    expect(msprt({ estimate: 1, variance: 0, n: 10 }).pValue).toBe(0);
    expect(msprt({ estimate: 0, variance: 0, n: 10 }).pValue).toBe(1);
    expect(() => classifyNonInferiority([0, 1], -1, 'higher-is-better')).toThrow(RangeError);
  });
});
