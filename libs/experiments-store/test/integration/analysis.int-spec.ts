import {
  checkMultipleExposure,
  cupedTest,
  ratioTest,
  srmByDay,
  srmFunnel,
  srmTest,
  welchTest,
} from '@foryou/experiments-stats';
import {
  ExperimentAnalysis,
  ExperimentStore,
  syntheticConfig,
  syntheticDataset,
  type AnalysisScope,
  type MetricDefinition,
  type ScratchDatabase,
  type TimeWindow,
} from '@foryou/experiments-store';
import { expectAllClose, freshDatabase, HOUR } from './helpers';
import {
  oracleAssignmentCounts,
  oracleAttribute,
  oracleFirstExposureCounts,
  oracleFirstExposuresByDay,
  oracleFunnel,
  oracleMoments,
  oracleMultiple,
  univariate,
} from './oracle';

// Real PostgreSQL on a shared, loaded machine: creating, loading and dropping a database takes seconds.
jest.setTimeout(60_000);

const WINDOW_MS = 6 * HOUR;
const config = syntheticConfig({
  seed: 2026,
  experimentKey: 'exp_ranking_v2',
  units: 3000,
  orphanUnits: 8,
  days: 7,
  multipleExposureRate: 0.03,
  attributionWindowMs: WINDOW_MS,
  arms: [
    { name: 'control', weight: 1 },
    { name: 'treatment', weight: 1, lift: 1.25 },
  ],
});
const data = syntheticDataset(config);
const attributions = oracleAttribute(data.exposures, data.outcomes, config.experimentKey, WINDOW_MS);
const ARMS = ['control', 'treatment'] as const;
const KILL_AT = new Date(config.start.getTime() + 3.5 * 24 * HOUR);
const BEFORE_KILL: TimeWindow = { to: KILL_AT };
const AFTER_KILL: TimeWindow = { from: KILL_AT };

const base: AnalysisScope = { experimentKey: config.experimentKey, arms: ARMS };
const scopes: [string, AnalysisScope][] = [
  ['whole experiment', base],
  ['before the kill', { ...base, window: BEFORE_KILL }],
  ['after the kill', { ...base, window: AFTER_KILL }],
  ['arm = first exposure', { ...base, armSource: 'first-exposure' }],
  ['multiple exposures excluded', { ...base, multipleExposures: 'exclude' }],
  [
    'a middle window, first exposure, excluded',
    {
      ...base,
      window: {
        from: new Date(config.start.getTime() + 24 * HOUR),
        to: new Date(config.start.getTime() + 80 * HOUR),
      },
      armSource: 'first-exposure',
      multipleExposures: 'exclude',
    },
  ],
];

const favorites: MetricDefinition = { source: 'outcomes', eventTypes: ['favorite'], aggregate: 'count' };
const dwell: MetricDefinition = { source: 'outcomes', eventTypes: ['dwell'], aggregate: 'sum' };
const clicked: MetricDefinition = { source: 'outcomes', eventTypes: ['click'], aggregate: 'any' };
const negative: MetricDefinition = {
  source: 'outcomes',
  eventTypes: ['hide', 'report', 'not_interested', 'block_author', 'mute_author'],
  aggregate: 'count',
};
const engagements: MetricDefinition = {
  source: 'outcomes',
  eventTypes: ['favorite', 'reply', 'repost', 'click'],
  aggregate: 'count',
};
const requests: MetricDefinition = { source: 'exposures' };

describe('analysis: sufficient statistics computed in SQL equal an independent TypeScript computation', () => {
  let db: ScratchDatabase;
  let analysis: ExperimentAnalysis;

  beforeAll(async () => {
    db = await freshDatabase();
    const store = new ExperimentStore(db.pool);
    await store.recordAssignments(data.assignments);
    await store.recordExposures(data.exposures);
    await store.recordOutcomes(data.outcomes);
    await store.recordCovariates(data.covariates);
    await store.recordKill({
      killId: 'k1',
      experimentKey: config.experimentKey,
      variant: 'treatment',
      reason: 'guardrail: negative feedback',
      actor: 'guardrail-bot',
      automatic: true,
      createdAt: KILL_AT,
    });
    await store.attributeOutcomes(config.experimentKey, WINDOW_MS);
    analysis = new ExperimentAnalysis(db.pool);
  });

  afterAll(async () => {
    await db.drop();
  });

  it('should use data that exercises every case', () => {
    expect(data.assignments.length).toBe(3000);
    expect(attributions.filter((a) => a.matchedBy === 'request').length).toBeGreaterThan(100);
    expect(attributions.filter((a) => a.matchedBy === 'latest').length).toBeGreaterThan(100);
    expect(attributions.length).toBeLessThan(data.outcomes.length); // late / pre-exposure ones exist
    expect(data.exposures.some((x) => x.exposureId.endsWith(':dup'))).toBe(true);
    expect(oracleMultiple(data, base).unitsMultipleExposed).toBeGreaterThan(10);
  });

  it('should attribute exactly as the oracle does, row for row', async () => {
    const { rows } = await db.pool.query<{ k: string }>(
      `SELECT unit_id || '|' || client_event_id || '|' || exposure_id || '|' || matched_by AS k
       FROM experiments.attributions WHERE experiment_key = $1`,
      [config.experimentKey],
    );
    const expected = attributions.map((a) => `${a.unitId}|${a.clientEventId}|${a.exposureId}|${a.matchedBy}`);
    expect(rows.map((r) => r.k).sort()).toEqual(expected.sort());
  });

  describe.each(scopes)('%s', (_label, scope) => {
    it.each([
      ['favorites (count)', favorites],
      ['dwell (sum of ms)', dwell],
      ['clicked (any)', clicked],
      ['negative feedback (count of 5 types)', negative],
      ['distinct requests', requests],
    ])('metric moments, ITT and triggered: %s', async (_name, metric) => {
      const actual = await analysis.metricMoments(scope, metric);
      const expected = oracleMoments(data, attributions, scope, metric, { kind: 'none' });
      expectAllClose(actual.itt, expected.itt.map(univariate), 'itt');
      expectAllClose(actual.triggered, expected.triggered.map(univariate), 'triggered');
      expect(actual.excluded).toEqual(expected.excluded);
      expect(actual.unlisted).toEqual({});
      // Triggered ⊂ ITT, and the ITT population is every exposed, assigned unit.
      actual.triggered.forEach((t, i) => expect(t.n).toBeLessThan(actual.itt[i]!.n));
    });

    it('ratio moments: engagements per request and dwell per favorite', async () => {
      for (const [numerator, denominator] of [
        [engagements, requests],
        [dwell, favorites],
      ] as const) {
        const actual = await analysis.ratioMoments(scope, numerator, denominator);
        const expected = oracleMoments(data, attributions, scope, numerator, {
          kind: 'metric',
          metric: denominator,
        });
        expectAllClose(actual.itt, expected.itt, 'itt');
        expectAllClose(actual.triggered, expected.triggered, 'triggered');
      }
    });

    it('CUPED moments with the pre-period covariate', async () => {
      for (const metric of [favorites, dwell]) {
        const actual = await analysis.cupedMoments(scope, metric, 'favorites_28d');
        const expected = oracleMoments(data, attributions, scope, metric, {
          kind: 'covariate',
          name: 'favorites_28d',
        });
        expectAllClose(actual.itt, expected.itt, 'itt');
        expectAllClose(actual.triggered, expected.triggered, 'triggered');
      }
    });

    it('SRM counts: assignments, first exposures, first exposures by day, funnel', async () => {
      expect((await analysis.assignmentCounts(scope)).counts).toEqual(
        oracleAssignmentCounts(data.assignments, scope),
      );
      expect((await analysis.firstExposureCounts(scope)).counts).toEqual(
        oracleFirstExposureCounts(data.exposures, scope),
      );
      expect((await analysis.firstExposuresByDay(scope)).days).toEqual(
        oracleFirstExposuresByDay(data.exposures, scope),
      );
      const funnel = await analysis.exposureFunnel(scope);
      expect({
        assigned: funnel.assigned,
        exposed: funnel.exposed,
        triggered: funnel.triggered,
        exposedWithoutAssignment: funnel.exposedWithoutAssignment,
      }).toEqual(oracleFunnel(data, scope));
    });

    it('multiple exposures', async () => {
      const actual = await analysis.multipleExposures(scope);
      expect({
        unitsExposed: actual.unitsExposed,
        unitsMultipleExposed: actual.unitsMultipleExposed,
        unitsVariantMismatch: actual.unitsVariantMismatch,
        unitsWithoutAssignment: actual.unitsWithoutAssignment,
      }).toEqual(oracleMultiple(data, scope));
    });
  });

  it('should detect units exposed to more than one variant, by assigned arm', async () => {
    const result = await analysis.multipleExposures(base);
    expect(result.unitsMultipleExposed).toBeGreaterThan(10);
    expect(result.multipleByArm.reduce((a, b) => a + b, 0)).toBe(result.unitsMultipleExposed);
    expect(result.unitsWithoutAssignment).toBe(config.orphanUnits);
    const health = checkMultipleExposure(result);
    expect(health.judged).toBe(true);
    expect(health.rate).toBeCloseTo(result.unitsMultipleExposed / result.unitsExposed, 12);
  });

  it('should count first exposures per UTC day, summing to the total', async () => {
    const byDay = await analysis.firstExposuresByDay(base);
    const total = await analysis.firstExposureCounts(base);
    expect(byDay.days.map((d) => d.day)).toEqual([
      '2026-03-02',
      '2026-03-03',
      '2026-03-04',
      '2026-03-05',
      '2026-03-06',
      '2026-03-07',
      '2026-03-08',
    ]);
    expect(ARMS.map((_, i) => byDay.days.reduce((s, d) => s + d.observed[i]!, 0))).toEqual(total.counts);
  });

  it('should split the window at the kill into before/after periods', async () => {
    const periods = await analysis.periods(base);
    expect(periods.map((p) => [p.from ?? null, p.to ?? null, p.startedBy.map((k) => k.killId)])).toEqual([
      [null, KILL_AT, []],
      [KILL_AT, null, ['k1']],
    ]);
    const byPeriod = await analysis.byPeriod(base, (s) => analysis.metricMoments(s, favorites));
    expect(byPeriod.map((p) => p.result.window)).toEqual([
      { from: null, to: KILL_AT },
      { from: KILL_AT, to: null },
    ]);
    for (const [i, window] of [BEFORE_KILL, AFTER_KILL].entries()) {
      const expected = oracleMoments(data, attributions, { ...base, window }, favorites, { kind: 'none' });
      expectAllClose(byPeriod[i]!.result.itt, expected.itt.map(univariate), `period ${i}`);
    }
    // New units per period add up to all units; a unit exposed on both sides is in both ITT periods.
    const firsts = await analysis.byPeriod(base, (s) => analysis.firstExposureCounts(s));
    const all = await analysis.firstExposureCounts(base);
    expect(ARMS.map((_, i) => firsts.reduce((s, p) => s + p.result.counts[i]!, 0))).toEqual(all.counts);
    const whole = await analysis.metricMoments(base, favorites);
    const n = (r: { itt: { n: number }[] }): number => r.itt.reduce((s, m) => s + m.n, 0);
    expect(n(byPeriod[0]!.result) + n(byPeriod[1]!.result)).toBeGreaterThan(n(whole));
    // Outcomes belong to the period of the exposure that produced them: the sums partition exactly.
    expect(
      whole.itt.map((_m, i) => byPeriod[0]!.result.itt[i]!.sum + byPeriod[1]!.result.itt[i]!.sum),
    ).toEqual(whole.itt.map((m) => m.sum));
  });

  it('should report variants outside the listed arms instead of dropping them', async () => {
    const onlyControl = await analysis.metricMoments({ ...base, arms: ['control'] }, favorites);
    const both = await analysis.metricMoments(base, favorites);
    expect(onlyControl.itt).toEqual([both.itt[0]]);
    expect(onlyControl.unlisted).toEqual({ treatment: both.itt[1]!.n });
    const counts = await analysis.assignmentCounts({ ...base, arms: ['treatment', 'holdout'] });
    expect(counts.counts).toEqual([oracleAssignmentCounts(data.assignments, base)[1], 0]);
    expect(counts.unlisted).toEqual({ control: oracleAssignmentCounts(data.assignments, base)[0] });
  });

  it('should feed @foryou/experiments-stats directly', async () => {
    const [control, treatment] = (await analysis.metricMoments(base, engagements)).itt;
    const welch = welchTest(control!, treatment!);
    expect(welch.absolute.estimate).toBeGreaterThan(0); // the synthetic lift is +25% after triggers
    expect(welch.absolute.pValue).toBeGreaterThan(0);

    const ratio = await analysis.ratioMoments(base, engagements, requests);
    const rt = ratioTest(ratio.itt[0]!, ratio.itt[1]!);
    expect(Number.isFinite(rt.absolute.pValue)).toBe(true);

    const cuped = await analysis.cupedMoments(base, engagements, 'favorites_28d');
    const ct = cupedTest(cuped.itt[0]!, cuped.itt[1]!);
    expect(ct.fallback).toBe(false);
    expect(ct.pooledCorrelation).toBeGreaterThan(0.1);
    expect(ct.varianceReduction).toBeGreaterThan(0);

    const weights = [1, 1];
    expect(srmTest((await analysis.assignmentCounts(base)).counts, weights).flagged).toBe(false);
    expect(srmByDay((await analysis.firstExposuresByDay(base)).days, weights).days).toHaveLength(7);
    const funnel = await analysis.exposureFunnel(base);
    expect(srmFunnel(funnel.assigned, funnel.exposed).exposureRates.every((r) => r > 0.7 && r < 1)).toBe(
      true,
    );
  });

  it('should give the same answers with the planner left alone (planGuard: false)', async () => {
    await db.pool.query('ANALYZE experiments.exposures, experiments.assignments, experiments.attributions');
    const free = new ExperimentAnalysis(db.pool, { planGuard: false });
    for (const scope of [base, { ...base, window: AFTER_KILL, multipleExposures: 'exclude' as const }]) {
      expect(await free.ratioMoments(scope, engagements, requests)).toEqual(
        await analysis.ratioMoments(scope, engagements, requests),
      );
      expect(await free.exposureFunnel(scope)).toEqual(await analysis.exposureFunnel(scope));
      expect(await free.multipleExposures(scope)).toEqual(await analysis.multipleExposures(scope));
    }
  });

  it('should reject an invalid scope or metric', async () => {
    await expect(analysis.metricMoments({ ...base, arms: [] }, favorites)).rejects.toThrow(/arms/);
    await expect(analysis.metricMoments({ ...base, arms: ['a', 'a'] }, favorites)).rejects.toThrow(
      /distinct/,
    );
    await expect(
      analysis.metricMoments(base, { source: 'outcomes', eventTypes: [], aggregate: 'count' }),
    ).rejects.toThrow(/eventTypes/);
    await expect(
      analysis.metricMoments({ ...base, window: { from: KILL_AT, to: config.start } }, favorites),
    ).rejects.toThrow(/window/);
    await expect(analysis.cupedMoments(base, favorites, '')).rejects.toThrow(/covariate/);
  });
});
