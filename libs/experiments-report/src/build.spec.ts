import { holm, srmTest } from '@foryou/experiments-stats';
import { buildReport } from './build';
import { contentHash } from './hash';
import type { ReportInputs } from './inputs';
import { reportInputs } from './testing/inputs';

const killAt = '2026-03-04T00:00:00.000Z';

/** The fixture with a treatment kill on day 3: the window splits and the comparison ends there. */
function killedInputs(treatmentAfterKill = 0): ReportInputs {
  const base = reportInputs();
  const period = base.periods[0]!;
  return {
    ...base,
    kills: [
      {
        killId: 'k1',
        variant: 'treatment',
        reason: 'hides critical',
        actor: 'guardrail-monitor',
        automatic: true,
        at: killAt,
      },
    ],
    periods: [
      { ...period, to: killAt },
      {
        ...period,
        index: 1,
        from: killAt,
        startedBy: ['k1'],
        assignments: [2000, 0],
        firstExposures: [1800, treatmentAfterKill],
        firstExposuresByDay: [{ day: '2026-03-04', observed: [1800, treatmentAfterKill] }],
        funnel: { assigned: [2000, 0], exposed: [1800, 0], triggered: [900, 0], exposedWithoutAssignment: 0 },
      },
    ],
    comparisons: base.comparisons.map((w) => ({ ...w, to: killAt })),
  };
}

describe(buildReport.name, () => {
  it('should be recomputable from its JSON inputs, with the content hash of those inputs', () => {
    const inputs = reportInputs();
    const report = buildReport(inputs);
    expect(buildReport(JSON.parse(JSON.stringify(report.inputs)) as ReportInputs)).toEqual(report);
    expect(report.contentHash).toBe(contentHash(inputs));
    expect(buildReport(reportInputs({ primaryRates: [0.08, 0.0901] })).contentHash).not.toBe(
      report.contentHash,
    );
    expect(() => JSON.stringify(report)).not.toThrow();
    expect(JSON.stringify(report)).not.toMatch(/NaN|Infinity/);
  });

  it('should flag the public SRM vector [1000, 1200] at 50/50 (p = 2.00786561e-5) and recommend investigating', () => {
    const report = buildReport(reportInputs({ assignments: [1000, 1200] }));
    const check = report.health.srm.find((c) => c.label === 'assignments')!;
    expect(check.pValue).toBeCloseTo(2.00786561e-5, 12);
    expect(check.flagged).toBe(true);
    expect(report.health.status).toBe('unhealthy');
    expect(report.health.issues[0]).toMatch(/^SRM on assignments: p = 2\.01e-5 < 0\.001/);
    expect(report.recommendations.map((r) => r.decision)).toEqual(['investigate']);
    expect(report.recommendations[0]!.reasons[0]).toContain('kill_switch.on_srm: hold');
  });

  it('should use the weights of the active arms after a kill and end the comparison at the kill', () => {
    const report = buildReport(killedInputs());
    expect(report.periods.map((p) => [p.from, p.to, p.activeArms])).toEqual([
      [null, killAt, ['control', 'treatment']],
      [killAt, null, ['control']],
    ]);
    const after = report.health.srm.filter((c) => c.period === 1);
    expect(after.map((c) => c.weights)).toEqual([
      [0.5, 0],
      [0.5, 0],
    ]);
    expect(after.every((c) => !c.flagged && !c.judged)).toBe(true);
    expect(report.comparisonWindows).toEqual([{ treatments: ['treatment'], from: null, to: killAt }]);
    expect(report.recommendations[0]!.decision).toBe('killed');
    expect(report.recommendations[0]!.reasons[0]).toContain(
      '2026-03-04 00:00 UTC (guardrail-monitor: hides critical)',
    );
    expect(report.timeline.events.map((e) => e.kind)).toEqual(['first-exposure', 'kill', 'last-exposure']);
  });

  it('should flag traffic in a killed arm', () => {
    const report = buildReport(killedInputs(25));
    const check = report.health.srm.find((c) => c.period === 1 && c.label === 'first exposures')!;
    expect(check.reasons).toEqual(['traffic-in-zero-weight-arm']);
    expect(
      report.health.issues.some((i) => i.includes('traffic in killed or zero-weight arm(s) treatment')),
    ).toBe(true);
  });

  it('should kill on a critical guardrail, per the kill-switch policy', () => {
    const report = buildReport(reportInputs({ hideRates: [0.01, 0.03] }));
    const hides = report.metrics.find((m) => m.key === 'hide_report_rate')!.comparisons[0]!.guardrail!;
    expect(hides.looks).toBe(4);
    expect(hides.interval[0]).toBeGreaterThan(0.05);
    expect([hides.level, hides.nonInferiority, hides.deteriorated, hides.action]).toEqual([
      'critical',
      'inferior',
      true,
      'kill',
    ]);
    expect(report.recommendations[0]!.decision).toBe('kill');
  });

  it('should correct the goal metrics with Holm and BH, in direction-aware verdicts', () => {
    const report = buildReport(reportInputs());
    const goals = report.metrics.filter((m) => m.role !== 'guardrail');
    expect(report.correction.family).toEqual(goals.map((m) => `${m.key}:treatment`));
    const ps = goals.map((m) => m.comparisons[0]!.itt.absolute!.pValue!);
    expect(goals.map((m) => m.comparisons[0]!.itt.holmP)).toEqual(holm(ps).adjusted);
    goals.forEach((m) => {
      const c = m.comparisons[0]!.itt;
      expect(c.bhQ!).toBeLessThanOrEqual(c.holmP!);
      expect(c.holmP!).toBeGreaterThanOrEqual(c.absolute!.pValue!);
    });
    const short = goals.find((m) => m.key === 'short_feed_rate')!.comparisons[0]!.itt;
    expect(short.absolute!.estimate!).toBeLessThan(0);
    expect(short.verdict).toBe('better'); // lower is better
    expect(
      report.metrics.filter((m) => m.role === 'guardrail').every((m) => m.comparisons[0]!.itt.holmP === null),
    ).toBe(true);
  });

  it('should end the cumulative series at the decision-table estimate', () => {
    const report = buildReport(reportInputs());
    const series = report.cumulative[0]!;
    const primary = report.metrics[0]!.comparisons[0]!.itt;
    expect(series.points.map((p) => p.day)).toEqual(['2026-03-02', '2026-03-03', '2026-03-04', '2026-03-05']);
    expect(series.points[3]!.estimate).toBe(primary.relative!.estimate);
    expect(series.points[3]!.ci).toEqual(primary.relative!.ci);
    for (const p of series.points) {
      expect(p.cs[0]!).toBeLessThanOrEqual(p.ci[0]!);
      expect(p.cs[1]!).toBeGreaterThanOrEqual(p.ci[1]!);
    }
  });

  it('should report CUPED narrowing the interval when the covariate correlates', () => {
    const cuped = buildReport(reportInputs()).cuped!;
    expect(cuped.covariate).toBe('favorites_28d');
    expect(cuped.estimand).toContain('numerator of engagement_per_exposure');
    const itt = cuped.comparisons.find((c) => c.population === 'itt')!;
    expect(itt.ciWidthRatio!).toBeLessThan(0.9);
    expect(itt.ciWidthAdjusted! / itt.ciWidthUnadjusted!).toBeCloseTo(itt.ciWidthRatio!, 12);
    expect(buildReport({ ...reportInputs(), covariate: null }).cuped).toBeNull();
  });

  it('should check the sample against the minimum per arm', () => {
    const report = buildReport(reportInputs());
    expect(report.health.minimumSample).toEqual({
      required: 1000,
      arms: [
        { arm: 'control', n: 4000, shortfall: 0, ok: true },
        { arm: 'treatment', n: 4000, shortfall: 0, ok: true },
      ],
      ok: true,
    });
    expect(srmTest([4000, 4000], [0.5, 0.5]).pValue).toBe(report.health.srm[1]!.pValue);
  });
});
