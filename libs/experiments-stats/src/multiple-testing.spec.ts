import fc from 'fast-check';

import { benjaminiHochberg, holm } from './multiple-testing';
import { expectGolden, expectNotGolden, loadFixture } from './testing/golden';

const file = loadFixture<{ pValues: number[]; alpha: number }>('multiple-testing');

describe('Holm and Benjamini–Hochberg vs scipy / brute force', () => {
  it.each(file.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expectGolden(
      { holm: holm(c.input.pValues, c.input.alpha), bh: benjaminiHochberg(c.input.pValues, c.input.alpha) },
      c.expected,
      `multiple-testing ${c.name}`,
    );
  });

  it('reproduces experiments.md vector 5', () => {
    const h = holm([0.01, 0.04, 0.03, 0.005, 0.55, 0.6]).adjusted;
    expect([...h].sort((a, b) => a - b).map((x) => +x.toFixed(12))).toEqual([0.03, 0.05, 0.12, 0.12, 1, 1]);
    const q = benjaminiHochberg([0.898, 0.138, 0.007, 0.964, 0.538, 0.006, 0.138]).adjusted;
    expect(q.map((x) => +x.toFixed(12))).toEqual([0.964, 0.2415, 0.0245, 0.964, 0.7532, 0.0245, 0.2415]);
  });

  it('a perturbed p-value does not match the golden values', () => {
    const c = file.cases[0]!;
    const p = c.input.pValues.map((x, i) => (i === 0 ? x * 1.001 : x));
    expectNotGolden({ holm: holm(p, c.input.alpha), bh: benjaminiHochberg(p, c.input.alpha) }, c.expected);
  });

  it('ties get identical adjusted values; results are monotone in p and ≥ p; Holm ≥ BH', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(0, 0.001, 0.01, 0.02, 0.04, 0.3, 1), { minLength: 1, maxLength: 12 }),
        (p) => {
          const h = holm(p).adjusted;
          const b = benjaminiHochberg(p).adjusted;
          return p.every((pi, i) =>
            p.every((pj, j) => {
              const hi = h[i]!;
              const hj = h[j]!;
              const bi = b[i]!;
              const bj = b[j]!;
              const tiesOk = pi !== pj || (hi === hj && bi === bj);
              const monotone = pi > pj || (hi <= hj && bi <= bj);
              return tiesOk && monotone && hi >= pi && bi >= pi && hi >= bi && hi <= 1;
            }),
          );
        },
      ),
      { seed: 7, numRuns: 300 },
    );
  });

  it('rejects p-values outside [0, 1]', () => {
    expect(() => holm([0.1, 1.2])).toThrow(RangeError);
    expect(() => benjaminiHochberg([Number.NaN])).toThrow(RangeError);
  });
});
