/**
 * The report of a synthetic experiment, end to end against PostgreSQL (COPY load, attribution, every
 * query, statistics, renderings), checked against experiments-stats applied to moments computed row by
 * row from the same synthetic rows (experiments-store's test oracle) — not against the report's own
 * numbers. The data has a planted effect on triggered requests, a treatment kill on day 5 of 7, and
 * pre-period covariates.
 */
import { assessGuardrail, type Guardrail } from '@foryou/experiments';
import {
  benjaminiHochberg,
  compareArms,
  cupedTest,
  holm,
  msprtSequence,
  normalQuantile,
  ratioTest,
  srmTest,
  welchTest,
  type ComparisonResult,
  type EffectEstimate,
  type SequentialLook,
} from '@foryou/experiments-stats';
import {
  createScratchDatabase,
  migrate,
  syntheticDataset,
  type AnalysisScope,
  type MetricDefinition,
  type ScratchDatabase,
  type TimeWindow,
} from '@foryou/experiments-store';
import {
  oracleAttribute,
  oracleFirstExposureCounts,
  oracleMoments,
  oracleMultiple,
  oracleQuantile,
  univariate,
} from '../../../experiments-store/test/integration/oracle';
import { buildReport } from '../../src/build';
import { generateReport, type GeneratedReport } from '../../src/generate';
import type { ReportInputs } from '../../src/inputs';
import { loadSyntheticExperiment, syntheticExperimentConfig } from '../../src/synthetic-experiment';
import { experimentDefinition } from '../../src/testing/fixtures';
import type { Comparison, Effect, ExperimentReport } from '../../src/types';

// Real PostgreSQL on a shared, loaded machine: creating, loading and dropping a database takes seconds.
jest.setTimeout(120_000);

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const definition = experimentDefinition();
const config = syntheticExperimentConfig({
  experimentKey: definition.key,
  units: 5000,
  days: 7,
  killAfter: 0.6,
  lift: 1.4,
  latencyFactor: 1.25,
  shortFeedFactor: 0.5,
  attributionWindowHours: definition.attribution_window_hours,
});
const KILL = config.arms[1]!.killedAt!;
const data = syntheticDataset(config);
const attributions = oracleAttribute(
  data.exposures,
  data.outcomes,
  config.experimentKey,
  definition.attribution_window_hours * HOUR,
);
const ARMS = ['control', 'treatment'];
const BEFORE_KILL: TimeWindow = { to: KILL };
const scope: AnalysisScope = { experimentKey: config.experimentKey, arms: ARMS, window: BEFORE_KILL };
const ALPHA = definition.analysis.alpha;

const requests: MetricDefinition = { source: 'exposures' };
const numerators: Record<string, MetricDefinition> = {
  engagement_per_exposure: {
    source: 'outcomes',
    eventTypes: ['favorite', 'reply', 'repost'],
    aggregate: 'count',
  },
  short_feed_rate: { source: 'serving', signal: 'short_feed', aggregate: 'count' },
  click_per_exposure: { source: 'outcomes', eventTypes: ['click'], aggregate: 'count' },
  hide_report_rate: { source: 'outcomes', eventTypes: ['hide', 'report'], aggregate: 'count' },
  empty_feed_rate: { source: 'serving', signal: 'empty_feed', aggregate: 'count' },
};
const dwell: MetricDefinition = { source: 'outcomes', eventTypes: ['dwell'], aggregate: 'sum' };

/** The oracle's comparison of a ratio metric (ITT or triggered) in a window. */
function oracleRatio(
  key: string,
  population: 'itt' | 'triggered',
  window: TimeWindow = BEFORE_KILL,
): ComparisonResult {
  const m = oracleMoments(data, attributions, { ...scope, window }, numerators[key]!, {
    kind: 'metric',
    metric: requests,
  });
  return ratioTest(m[population][0]!, m[population][1]!, { alpha: ALPHA });
}

function oracleDwell(population: 'itt' | 'triggered'): ComparisonResult {
  const m = oracleMoments(data, attributions, scope, dwell, { kind: 'none' });
  return welchTest(univariate(m[population][0]!), univariate(m[population][1]!), { alpha: ALPHA });
}

/** |actual − expected| ≤ 1e-9·max(1, |expected|). */
function close(actual: number | null | undefined, expected: number, label: string): void {
  if (
    actual === null ||
    actual === undefined ||
    Math.abs(actual - expected) > 1e-9 * Math.max(1, Math.abs(expected))
  ) {
    throw new Error(`${label}: expected ${expected}, got ${String(actual)}`);
  }
}

function closeEffect(actual: Effect | null, expected: EffectEstimate, label: string): void {
  expect(actual).not.toBeNull();
  close(actual!.estimate, expected.estimate, `${label}.estimate`);
  close(actual!.ci[0], expected.ci[0], `${label}.ci[0]`);
  close(actual!.ci[1], expected.ci[1], `${label}.ci[1]`);
  // p-values are compared relatively: a small p must match to 1e-9 of itself.
  expect(Math.abs(actual!.pValue! - expected.pValue)).toBeLessThanOrEqual(1e-9 * expected.pValue + 1e-300);
}

function comparison(report: ExperimentReport, key: string, population: 'itt' | 'triggered'): Comparison {
  return report.metrics.find((m) => m.key === key)!.comparisons[0]![population];
}

describe('experiment report of a synthetic experiment with a planted effect and a kill', () => {
  let db: ScratchDatabase;
  let generated: GeneratedReport;
  let report: ExperimentReport;

  beforeAll(async () => {
    db = await createScratchDatabase({ prefix: 'exp_report_test', pool: { max: 2 } });
    await migrate(db.pool);
    await loadSyntheticExperiment(db.pool, config);
    generated = await generateReport(db.pool, definition, {
      now: () => new Date('2026-03-09T12:00:00.000Z'),
    });
    report = generated.report;
  });

  afterAll(async () => {
    await db.drop();
  });

  it('should split the window at the kill and compare the arms before it', () => {
    expect(report.periods.map((p) => [p.from, p.to, p.activeArms, p.startedBy])).toEqual([
      [null, KILL.toISOString(), ['control', 'treatment'], []],
      [KILL.toISOString(), null, ['control'], [`kill-${config.experimentKey}-treatment`]],
    ]);
    expect(report.comparisonWindows).toEqual([
      { treatments: ['treatment'], from: null, to: KILL.toISOString() },
    ]);
    expect(report.recommendations.map((r) => r.decision)).toEqual(['killed']);
    expect(report.timeline.events.filter((e) => e.kind === 'kill').map((e) => e.at)).toEqual([
      KILL.toISOString(),
    ]);
    // After the kill only control is served: its metric is reported alone.
    expect(report.periods[1]!.primary.map((v) => v.arm)).toEqual(ARMS);
    expect(report.periods[1]!.primary[1]!.n).toBe(0);
    expect(report.periods[1]!.comparisons).toEqual([]);
  });

  it('should compute the ratio metrics as ratioTest on independently computed moments, ITT and triggered', () => {
    for (const key of [
      'engagement_per_exposure',
      'short_feed_rate',
      'click_per_exposure',
      'hide_report_rate',
      'empty_feed_rate',
    ]) {
      for (const population of ['itt', 'triggered'] as const) {
        const expected = oracleRatio(key, population);
        const actual = comparison(report, key, population);
        closeEffect(actual.absolute, expected.absolute, `${key}.${population}.absolute`);
        closeEffect(actual.relative, expected.relative!, `${key}.${population}.relative`);
        close(actual.control.value, expected.control.mean, `${key}.${population}.control`);
        expect([actual.control.n, actual.treatment.n]).toEqual([expected.control.n, expected.treatment.n]);
      }
    }
  });

  it('should compute the per-viewer mean with Welch on independently computed moments', () => {
    for (const population of ['itt', 'triggered'] as const) {
      const expected = oracleDwell(population);
      closeEffect(
        comparison(report, 'dwell_ms_per_viewer', population).absolute,
        expected.absolute,
        population,
      );
    }
  });

  it('should adjust the goal metrics with Holm and BH over the oracle p-values', () => {
    const goals = ['engagement_per_exposure', 'short_feed_rate', 'click_per_exposure', 'dwell_ms_per_viewer'];
    for (const population of ['itt', 'triggered'] as const) {
      const ps = goals.map(
        (k) =>
          (k === 'dwell_ms_per_viewer' ? oracleDwell(population) : oracleRatio(k, population)).absolute
            .pValue,
      );
      const h = holm(ps, ALPHA).adjusted;
      const b = benjaminiHochberg(ps, ALPHA).adjusted;
      goals.forEach((k, i) => {
        const c = comparison(report, k, population);
        expect(Math.abs(c.holmP! - h[i]!)).toBeLessThanOrEqual(1e-9 * h[i]!);
        expect(Math.abs(c.bhQ! - b[i]!)).toBeLessThanOrEqual(1e-9 * b[i]!);
      });
    }
  });

  it('should show the planted effect, stronger where the change can act (triggered)', () => {
    const itt = comparison(report, 'engagement_per_exposure', 'itt');
    const triggered = comparison(report, 'engagement_per_exposure', 'triggered');
    expect(triggered.relative!.estimate!).toBeGreaterThan(0.15);
    expect(triggered.relative!.estimate!).toBeGreaterThan(itt.relative!.estimate!);
    expect(triggered.verdict).toBe('better');
    expect(comparison(report, 'short_feed_rate', 'triggered').verdict).toBe('better'); // fewer short feeds
  });

  it('should judge the ratio guardrails on the running intersection of daily confidence sequences', () => {
    const days = ['2026-03-02', '2026-03-03', '2026-03-04', '2026-03-05', '2026-03-06'];
    for (const key of ['hide_report_rate', 'empty_feed_rate']) {
      const guardrail: Guardrail = definition.guardrails.find((g) => g.key === key)!;
      const looks: SequentialLook[] = days.map((day) => {
        const end = new Date(Date.parse(`${day}T00:00:00.000Z`) + DAY);
        const r = oracleRatio(key, 'itt', { to: end < KILL ? end : KILL });
        const e = guardrail.scale === 'relative' ? r.relative! : r.absolute;
        return { estimate: e.estimate, variance: e.se * e.se, n: r.nTotal };
      });
      const sequence = msprtSequence(looks, {
        alpha: ALPHA,
        mixing: { nStar: definition.analysis.sequential.n_star },
      });
      const interval = sequence[sequence.length - 1]!.runningCi;
      const actual = report.metrics.find((m) => m.key === key)!.comparisons[0]!.guardrail!;
      expect(actual.looks).toBe(days.length);
      close(actual.interval[0], interval[0], `${key}.interval[0]`);
      close(actual.interval[1], interval[1], `${key}.interval[1]`);
      const assessment = assessGuardrail(guardrail, interval);
      expect([actual.level, actual.nonInferiority]).toEqual([assessment.level, assessment.nonInferiority]);
    }
    expect(report.cumulative[0]!.points.map((p) => p.day)).toEqual(days);
  });

  it('should compare latency p99 from order statistics of the requests (one anytime-valid look)', () => {
    const z = normalQuantile(1 - ALPHA / 2);
    const arms = ARMS.map((arm) => oracleQuantile(data, scope, arm, false, 0.99, ALPHA));
    const estimates = arms.map((q) => ({
      n: q.units,
      mean: q.estimate,
      variance: ((q.upper - q.lower) / (2 * z)) ** 2 * q.units,
    }));
    const expected = compareArms(estimates[0]!, estimates[1]!, ALPHA);
    const actual = comparison(report, 'feed_latency_p99', 'itt');
    expect([actual.control.value, actual.treatment.value]).toEqual(arms.map((q) => q.estimate));
    expect([actual.control.ci, actual.treatment.ci]).toEqual(arms.map((q) => [q.lower, q.upper]));
    closeEffect(actual.absolute, expected.absolute, 'p99');
    const [look] = msprtSequence(
      [{ estimate: expected.absolute.estimate, variance: expected.absolute.se ** 2, n: expected.nTotal }],
      { alpha: ALPHA, mixing: { nStar: definition.analysis.sequential.n_star } },
    );
    const guardrail = report.metrics.find((m) => m.key === 'feed_latency_p99')!.comparisons[0]!.guardrail!;
    close(guardrail.interval[0], look!.runningCi[0], 'p99 interval lower');
    close(guardrail.interval[1], look!.runningCi[1], 'p99 interval upper');
    expect(actual.treatment.value!).toBeGreaterThan(actual.control.value!); // latency × 1.25 when triggered
  });

  it('should check SRM per period against the weights of the arms still served', () => {
    const periods: [TimeWindow, number[]][] = [
      [BEFORE_KILL, [0.5, 0.5]],
      [{ from: KILL }, [0.5, 0]],
    ];
    periods.forEach(([window, weights], i) => {
      const observed = oracleFirstExposureCounts(data.exposures, { ...scope, window });
      const expected = srmTest(observed, weights, { threshold: definition.analysis.srm_threshold });
      const check = report.health.srm.find((c) => c.period === i && c.label === 'first exposures')!;
      expect(check.observed).toEqual(observed);
      expect(check.weights).toEqual(weights);
      close(check.pValue, expected.pValue, `period ${i} p`);
      expect([check.judged, check.flagged]).toEqual([expected.judged, expected.flagged]);
    });
    expect(report.health.multipleExposure.unitsMultipleExposed).toBe(
      oracleMultiple(data, { ...scope, window: {} }).unitsMultipleExposed,
    );
    expect(report.health.srm.some((c) => c.flagged)).toBe(false);
  });

  it('should report CUPED on the per-viewer numerator with the pre-period covariate', () => {
    const m = oracleMoments(data, attributions, scope, numerators['engagement_per_exposure']!, {
      kind: 'covariate',
      name: 'favorites_28d',
    });
    for (const population of ['itt', 'triggered'] as const) {
      const expected = cupedTest(m[population][0]!, m[population][1]!, { alpha: ALPHA });
      const actual = report.cuped!.comparisons.find((c) => c.population === population)!;
      close(actual.theta, expected.theta, 'theta');
      close(actual.ciWidthRatio, expected.ciWidthRatio, 'ciWidthRatio');
      expect(actual.ciWidthRatio!).toBeLessThan(1);
    }
  });

  it('should be recomputable from its inputs, and render them', () => {
    const inputs = JSON.parse(generated.json) as { inputs: ReportInputs; contentHash: string };
    const rebuilt = buildReport(inputs.inputs);
    const { generatedAt: _g, timings: _t, ...rest } = report;
    expect(rebuilt).toEqual(rest);
    expect(inputs.contentHash).toBe(report.contentHash);
    expect(generated.html).toContain(report.contentHash);
    expect(generated.markdown).toContain(report.contentHash);
    expect(report.timings.map((t) => t.step)).toEqual(expect.arrayContaining(['attribution', 'statistics']));
  });
});
