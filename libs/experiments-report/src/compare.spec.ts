import { compareMetric } from './compare';
import type { MetricInput, QuantileArmInput } from './inputs';

const arm = (estimate: number, lower: number, upper: number, bounded: boolean): QuantileArmInput => ({
  n: 2000,
  units: 400,
  estimate,
  lower,
  upper,
  bounded,
  cdfSe: 0.002,
  fractions: [0.986, 0.994],
  indicator: { n: 400, sumX: 2000, sumXSq: 10_000, sumY: 1980, sumYSq: 9_800, sumXY: 9_900 },
});

const p99 = (control: QuantileArmInput, treatment: QuantileArmInput): MetricInput => ({
  kind: 'quantile',
  quantile: 0.99,
  alpha: 0.05,
  itt: [control, treatment],
  triggered: [control, treatment],
});

describe('compareMetric on a quantile', () => {
  it('compares two arms whose order-statistic intervals are bounded', () => {
    const r = compareMetric(
      p99(arm(220, 210, 230, true), arm(180, 170, 190, true)),
      'itt',
      ['c', 't'],
      0,
      1,
      0.05,
    );
    expect(r.note).toBeNull();
    expect(r.result?.absolute.estimate).toBeCloseTo(-40, 9);
  });

  it('withholds the comparison when a bound is the sample extreme (no nominal coverage)', () => {
    const r = compareMetric(
      p99(arm(220, 210, 230, false), arm(180, 170, 190, true)),
      'itt',
      ['c', 't'],
      0,
      1,
      0.05,
    );
    expect(r.result).toBeNull();
    expect(r.note).toContain('too few requests for this quantile');
  });
});
