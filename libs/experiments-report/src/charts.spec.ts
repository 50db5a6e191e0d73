import { cumulativeLiftChart, niceTicks, srmByDayChart, timelineChart } from './charts';
import type { CumulativeSeries, PeriodReport, SrmDayPoint, TimelineReport } from './types';

describe(niceTicks.name, () => {
  it('should give round steps covering the range', () => {
    expect(niceTicks(0, 10, 5)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(niceTicks(-0.23, 0.11, 4)).toEqual([-0.2, -0.1, 0, 0.1]);
    expect(niceTicks(3, 3)).toEqual([3]);
  });
});

describe(cumulativeLiftChart.name, () => {
  const series: CumulativeSeries = {
    metric: 'engagement_per_exposure',
    treatment: 'treat<ment>',
    scale: 'relative',
    points: [
      { day: '2026-03-02', nControl: 10, nTreatment: 10, estimate: 0.05, ci: [-0.1, 0.2], cs: [-0.3, 0.4] },
      { day: '2026-03-03', nControl: 20, nTreatment: 20, estimate: null, ci: [null, null], cs: [null, null] },
      { day: '2026-03-04', nControl: 30, nTreatment: 30, estimate: 0.04, ci: [0.0, 0.08], cs: [-0.1, 0.15] },
      {
        day: '2026-03-05',
        nControl: 40,
        nTreatment: 40,
        estimate: 0.045,
        ci: [0.01, 0.08],
        cs: [-0.05, 0.12],
      },
    ],
  };
  const svg = cumulativeLiftChart(series, 0.05);

  it('should draw the band, the sequence and the estimate, broken where a look is missing', () => {
    expect(svg.match(/<polygon /g)).toHaveLength(2); // two runs of the CI band
    expect(svg.match(/stroke-dasharray="5 4"/g)!.length).toBeGreaterThanOrEqual(4);
    expect(svg.match(/<circle /g)).toHaveLength(3);
    expect(svg).toContain('+10.0%');
    expect(svg).toContain('95% CI of each look');
  });

  it('should escape labels', () => {
    expect(svg).toContain('treat&lt;ment&gt;');
    expect(svg).not.toContain('treat<ment>');
  });
});

describe(srmByDayChart.name, () => {
  const day = (d: string, p: number | null, flagged = false, judged = true): SrmDayPoint => ({
    day: d,
    period: 0,
    observed: [1, 1],
    pValue: p,
    judged,
    flagged,
  });

  it('should draw one bar per day, flagged ones red, and the threshold line at −log10(threshold)', () => {
    const svg = srmByDayChart(
      [day('2026-03-02', 0.5), day('2026-03-03', 1e-5, true), day('2026-03-04', 1, false, false)],
      0.001,
    );
    expect(svg.match(/<rect /g)).toHaveLength(3);
    expect(svg.match(/fill="#dc2626"><title>/g)).toHaveLength(1);
    expect(svg).toContain('p = 0.001');
    expect(svg).toContain('2026-03-03: p = 1.00e-5');
    expect(svg).toContain('(not judged)');
  });
});

describe(timelineChart.name, () => {
  const timeline: TimelineReport = {
    events: [
      { at: '2026-03-02T00:00:00.000Z', kind: 'first-exposure', label: 'first exposure', variant: null },
      {
        at: '2026-03-05T12:00:00.000Z',
        kind: 'kill',
        label: 'treatment killed by <bot>',
        variant: 'treatment',
      },
      { at: '2026-03-09T00:00:00.000Z', kind: 'last-exposure', label: 'last exposure', variant: null },
    ],
    ramp: {
      currentStep: 0,
      steps: [{ percent: 10, minDurationHours: 24 }],
      hoursObserved: 168,
      gates: { canAdvance: false, failures: ['last_step'], nextPercent: null },
    },
  };
  const periods: PeriodReport[] = [
    {
      index: 0,
      from: null,
      to: '2026-03-05T12:00:00.000Z',
      startedBy: [],
      activeArms: ['control', 'treatment'],
      primary: [],
      comparisons: [],
    },
    {
      index: 1,
      from: '2026-03-05T12:00:00.000Z',
      to: null,
      startedBy: ['k'],
      activeArms: ['control'],
      primary: [],
      comparisons: [],
    },
  ];

  it('should draw the periods, the kill and the ramp step, escaped', () => {
    const svg = timelineChart(timeline, periods);
    expect(svg.match(/<rect /g)).toHaveLength(2);
    expect(svg).toContain('period 2: control served');
    expect(svg).toContain('03-05 12:00 UTC: treatment killed');
    expect(svg).toContain('treatment killed by &lt;bot&gt;');
    expect(svg).toContain('Ramp step 1 of 1 (10% of the population)');
  });
});
