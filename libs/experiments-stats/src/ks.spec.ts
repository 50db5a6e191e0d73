import { ksUniform } from './ks';
import { kolmogorovSf } from './special';
import { casesOf, expectGolden, expectNotGolden, loadFixture } from './testing/golden';

const file = loadFixture<unknown>('ks');
const tests = casesOf<{ values: number[] }>(file, 'test');
const grid = casesOf<{ y: number[] }>(file, 'kolmogorovSf');

describe("KS vs scipy.stats.kstest(x, 'uniform', method='asymp')", () => {
  it.each(tests.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expectGolden(ksUniform(c.input.values), c.expected, `ks ${c.name}`);
  });

  it.each(grid.map((c) => [c.name, c] as const))('kolmogorovSf: %s', (_name, c) => {
    expectGolden(c.input.y.map(kolmogorovSf), c.expected, `ks kolmogorov ${c.name}`, { relativeOnly: true });
  });

  it('a perturbed sample does not match', () => {
    const c = tests[0]!;
    const values = c.input.values.map((v) => v * 0.999);
    expectNotGolden(ksUniform(values), c.expected);
  });

  it('rejects empty input and values outside [0, 1]', () => {
    expect(() => ksUniform([])).toThrow(RangeError);
    expect(() => ksUniform([0.5, 1.5])).toThrow(RangeError);
    expect(() => ksUniform([Number.NaN])).toThrow(RangeError);
  });
});
