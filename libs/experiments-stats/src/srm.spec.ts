import { srmByDay, srmFunnel, srmTest, type SrmDay, type SrmOptions } from './srm';
import { casesOf, expectGolden, expectNotGolden, loadFixture } from './testing/golden';

interface SrmInput {
  observed: number[];
  weights: number[];
  options: SrmOptions;
}

const srm = loadFixture<SrmInput>('srm');
const extra = loadFixture<unknown>('srm-extra');

describe('srmTest vs scipy.stats.chisquare', () => {
  it.each(srm.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expectGolden(srmTest(c.input.observed, c.input.weights, c.input.options), c.expected, `srm ${c.name}`);
  });

  it('reproduces experiments.md vector 1: [1000, 1200] at 50/50 → p = 2.00786561e-5', () => {
    const r = srmTest([1000, 1200], [0.5, 0.5]);
    expect(r.chiSquare).toBeCloseTo(18.1818181818, 9);
    expect(r.pValue / 2.00786561e-5).toBeCloseTo(1, 8);
    expect(r.flagged).toBe(true);
  });

  it('a perturbed input does not match the golden values', () => {
    const [first] = srm.cases;
    if (!first) {
      throw new Error('no SRM fixture');
    }
    const observed = first.input.observed.map((o, i) => (i === 0 ? o + 1 : o));
    expectNotGolden(srmTest(observed, first.input.weights, first.input.options), first.expected);
  });

  it('rejects malformed input', () => {
    expect(() => srmTest([1, 2], [1])).toThrow(RangeError);
    expect(() => srmTest([1, -2], [1, 1])).toThrow(RangeError);
    expect(() => srmTest([1, Number.NaN], [1, 1])).toThrow(RangeError);
    expect(() => srmTest([1, 2], [1, 1], { threshold: 0 })).toThrow(RangeError);
  });

  it('gives p = 1 and judges nothing with no traffic', () => {
    const r = srmTest([0, 0], [1, 1]);
    expect(r.pValue).toBe(1);
    expect(r.judged).toBe(false);
    expect(r.flagged).toBe(false);
  });
});

describe('srmByDay and srmFunnel', () => {
  it.each(
    casesOf<{ days: SrmDay[]; weights: number[]; options: SrmOptions }>(extra, 'byDay').map(
      (c) => [c.name, c] as const,
    ),
  )('by day: %s', (_name, c) => {
    expectGolden(srmByDay(c.input.days, c.input.weights, c.input.options), c.expected, `srm byDay ${c.name}`);
  });

  it.each(
    casesOf<{ assigned: number[]; exposed: number[]; options: SrmOptions }>(extra, 'funnel').map(
      (c) => [c.name, c] as const,
    ),
  )('funnel: %s', (_name, c) => {
    expectGolden(
      srmFunnel(c.input.assigned, c.input.exposed, c.input.options),
      c.expected,
      `srm funnel ${c.name}`,
    );
  });

  it('reports no worst day when no day can be judged', () => {
    const r = srmByDay([{ day: 'd1', observed: [1, 2] }], [1, 1]);
    expect(r.worstDay).toBeNull();
    expect(r.worstDayBonferroniP).toBeNull();
  });

  it('rejects more exposed than assigned units', () => {
    expect(() => srmFunnel([10, 10], [11, 5])).toThrow(RangeError);
    expect(() => srmFunnel([10, 10], [5])).toThrow(RangeError);
  });
});
