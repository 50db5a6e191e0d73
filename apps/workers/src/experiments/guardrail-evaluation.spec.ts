import { GuardrailSchema, type Analysis } from '@foryou/experiments';
import type { QuantileArm } from '@foryou/experiments-store';
import { msprt, proportionMoments } from '@foryou/experiments-stats';
import { assessLook, meanEffect, quantileEffect, ratioEffect } from './guardrail-evaluation';

const analysis: Analysis = {
  alpha: 0.05,
  srm_threshold: 0.001,
  sequential: { method: 'msprt', n_star: 5000 },
};

const hideRate = GuardrailSchema.parse({
  key: 'hide_rate',
  description: 'hides per unit',
  direction: 'lower-is-better',
  source: 'outcomes',
  events: ['hide'],
  aggregate: 'count',
  denominator: 'units',
  scale: 'absolute',
  margin: 0.01,
  warning: 0.01,
  critical: 0.02,
});

/** Per-unit ratio moments where every unit has `exposures` exposures and `events` of them had an event. */
const ratio = (units: number, exposures: number, eventsPerUnit: readonly number[]) => {
  const ys = Array.from({ length: units }, (_, i) => eventsPerUnit[i % eventsPerUnit.length] ?? 0);
  return {
    n: units,
    sumY: ys.reduce((a, y) => a + y, 0),
    sumYSq: ys.reduce((a, y) => a + y * y, 0),
    sumX: units * exposures,
    sumXSq: units * exposures * exposures,
    sumXY: ys.reduce((a, y) => a + y * exposures, 0),
  };
};

const quantileArm = (over: Partial<QuantileArm>): QuantileArm => ({
  n: 4000,
  units: 2000,
  estimate: 120,
  indicator: { n: 2000, sumY: 0, sumYSq: 0, sumX: 0, sumXSq: 0, sumXY: 0 },
  cdfSe: 0.002,
  fractions: [0.986, 0.994],
  lower: 118,
  upper: 122,
  bounded: true,
  ...over,
});

describe('guardrail evaluation', () => {
  it('computes the per-unit mean effect and its mSPRT confidence sequence', () => {
    const control = proportionMoments(5000, 500); // 10 %
    const treatment = proportionMoments(5000, 1000); // 20 %
    const look = meanEffect(control, treatment, 'absolute', 100);
    if (!look.ok) {
      throw new Error(look.reason);
    }
    expect(look.look.estimate).toBeCloseTo(0.1, 12);
    expect(look.look.n).toBe(10_000);
    const verdict = assessLook(hideRate, look.look, analysis);
    expect(verdict.ci).toEqual(msprt(look.look, { alpha: 0.05, mixing: { nStar: 5000 } }).ci);
    expect(verdict.ci[0]).toBeGreaterThan(0.02);
    expect(verdict.level).toBe('critical');
  });

  it('needs evidence: a small or noisy difference is ok, not critical', () => {
    const look = meanEffect(proportionMoments(300, 30), proportionMoments(300, 40), 'absolute', 100);
    if (!look.ok) {
      throw new Error(look.reason);
    }
    expect(look.look.estimate).toBeGreaterThan(0.02);
    expect(assessLook(hideRate, look.look, analysis).level).toBe('ok');
  });

  it('uses the delta method for relative effects and refuses a zero control', () => {
    const control = ratio(1000, 2, [0, 0, 0, 1]); // 0.125 per exposure
    const treatment = ratio(1000, 2, [0, 1]); // 0.25 per exposure
    const relative = ratioEffect(control, treatment, 'relative', 100);
    expect(relative.ok && relative.look.estimate).toBeCloseTo(1, 12);
    expect(relative.ok && relative.control).toBeCloseTo(0.125, 12);
    const zero = ratioEffect(ratio(1000, 2, [0]), treatment, 'relative', 100);
    expect(zero).toEqual({ ok: false, reason: expect.stringContaining('control value is 0') as unknown });
  });

  it('reports too few units instead of evaluating', () => {
    expect(meanEffect(proportionMoments(50, 5), proportionMoments(500, 50), 'absolute', 100)).toEqual({
      ok: false,
      reason: 'too few units (control 50, treatment 500; each arm needs ≥ 100)',
    });
    expect(ratioEffect(ratio(10, 1, [0]), ratio(10, 1, [1]), 'absolute', 2)).toMatchObject({ ok: true });
  });

  it('backs the quantile standard errors out of the order-statistic intervals', () => {
    const z = 1.959963984540054;
    const c = quantileArm({});
    const t = quantileArm({ estimate: 150, lower: 146, upper: 154 });
    const abs = quantileEffect(c, t, 'absolute', 0.05, 100);
    if (!abs.ok) {
      throw new Error(abs.reason);
    }
    expect(abs.look.estimate).toBe(30);
    expect(abs.look.variance).toBeCloseTo((4 / (2 * z)) ** 2 + (8 / (2 * z)) ** 2, 9);
    expect(abs.look.n).toBe(4000);
    const rel = quantileEffect(c, t, 'relative', 0.05, 100);
    expect(rel.ok && rel.look.estimate).toBeCloseTo(0.25, 12);
    expect(quantileEffect(c, quantileArm({ bounded: false }), 'absolute', 0.05, 100)).toEqual({
      ok: false,
      reason: 'too few treatment requests for an interval of the quantile',
    });
  });
});
