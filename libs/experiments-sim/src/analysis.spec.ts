import { ratioTest, srmTest, welchTest } from '@foryou/experiments-stats';
import { analyzeRun, armOf, testMethod } from './analysis';
import { simulateRun } from './run';
import { aaDefinition, smallWorld } from './testing/fixtures';

describe('analyzeRun', () => {
  const base = { world: smallWorld(), salt: 'analysis-1', impressionsPerUnit: 20, units: 200 };

  it('runs SRM on the assignment counts and the delta-method ratio test on a per-exposure metric', () => {
    const run = simulateRun({ ...base, definition: aaDefinition() });
    const analysis = analyzeRun(run, { alpha: 0.1, srmThreshold: 0.01 });
    expect(testMethod(run)).toBe('ratio-delta-method');
    expect(analysis.method).toBe('ratio-delta-method');
    expect(analysis.srm).toEqual(
      srmTest(
        run.arms.map((a) => a.assigned),
        [0.5, 0.5],
        { threshold: 0.01 },
      ),
    );
    const expected = ratioTest(armOf(run, 'control').moments, armOf(run, 'twin').moments, { alpha: 0.1 });
    expect(analysis.comparison).toEqual(expected);
    expect(analysis.pValue).toBe(expected.absolute.pValue);
    expect(analysis.pValue).toBeGreaterThan(0);
    expect(analysis.pValue).toBeLessThanOrEqual(1);
  });

  it('uses Welch on per-unit values for a per-unit metric', () => {
    const definition = aaDefinition({
      primary_metric: {
        key: 'favorites_per_unit',
        description: 'favorites per viewer',
        direction: 'higher-is-better',
        source: 'outcomes',
        events: ['favorite'],
        aggregate: 'count',
        denominator: 'units',
      },
    });
    const run = simulateRun({ ...base, definition });
    const analysis = analyzeRun(run);
    expect(analysis.method).toBe('welch');
    const m = (v: string) => {
      const a = armOf(run, v).moments;
      return { n: a.n, sum: a.sumY, sumSq: a.sumYSq };
    };
    expect(analysis.comparison).toEqual(welchTest(m('control'), m('twin')));
  });

  it('names a missing arm', () => {
    const run = simulateRun({ ...base, definition: aaDefinition() });
    expect(() => armOf(run, 'nope')).toThrow(/no arm nope/);
  });
});
