import {
  type ExperimentAnalysis,
  syntheticConfig,
  syntheticDataset,
  type AnalysisScope,
  type MetricDefinition,
  type ScratchDatabase,
  type TimeWindow,
} from '@foryou/experiments-store';
import {
  expectAllClose,
  expectClose,
  freshDatabase,
  HOUR,
  loadDataset,
  withoutServingFacts,
} from './helpers';
import { oracleAttribute, oracleMoments, oracleQuantile, univariate } from './oracle';

// Real PostgreSQL on a shared, loaded machine: creating, loading and dropping a database takes seconds.
jest.setTimeout(90_000);

const DAY = 24 * HOUR;
const WINDOW_MS = 6 * HOUR;
const config = syntheticConfig({
  seed: 77,
  experimentKey: 'exp_serving',
  units: 2500,
  orphanUnits: 4,
  days: 5,
  attributionWindowMs: WINDOW_MS,
  arms: [
    { name: 'control', weight: 1 },
    { name: 'treatment', weight: 1, lift: 1.2, latencyFactor: 1.4, shortFeedFactor: 0.5 },
  ],
});
// Every 17th exposure row lost its serving facts (an old producer): NULL must count as "not recorded".
const data = withoutServingFacts(syntheticDataset(config), 17);
const attributions = oracleAttribute(data.exposures, data.outcomes, config.experimentKey, WINDOW_MS);
const ARMS = ['control', 'treatment'] as const;
const base: AnalysisScope = { experimentKey: config.experimentKey, arms: ARMS };
const MID: TimeWindow = {
  from: new Date(config.start.getTime() + 30 * HOUR),
  to: new Date(config.start.getTime() + 100 * HOUR),
};

const signals = [
  ['latency_ms', 'sum'],
  ['items_returned', 'sum'],
  ['empty_feed', 'count'],
  ['short_feed', 'count'],
] as const;
const requests: MetricDefinition = { source: 'exposures' };
const engagements: MetricDefinition = {
  source: 'outcomes',
  eventTypes: ['favorite', 'reply', 'repost'],
  aggregate: 'count',
};
const shortFeed: MetricDefinition = { source: 'serving', signal: 'short_feed', aggregate: 'count' };

describe('analysis of serving facts, quantiles and cumulative looks', () => {
  let db: ScratchDatabase;
  let analysis: ExperimentAnalysis;

  beforeAll(async () => {
    db = await freshDatabase();
    analysis = await loadDataset(db, data, config.experimentKey, WINDOW_MS);
  });

  afterAll(async () => {
    await db.drop();
  });

  it('should store the serving facts as given, NULL when absent', async () => {
    const { rows } = await db.pool.query<{ n: number; nulls: number; empty: number }>(
      `SELECT count(*)::int AS n, (count(*) FILTER (WHERE latency_ms IS NULL))::int AS nulls,
              (count(*) FILTER (WHERE items_returned = 0))::int AS empty
       FROM experiments.exposures`,
    );
    expect(rows[0]).toEqual({
      n: data.exposures.length,
      nulls: data.exposures.filter((x) => x.latencyMs === undefined).length,
      empty: data.exposures.filter((x) => x.itemsReturned === 0).length,
    });
    expect(rows[0]!.empty).toBeGreaterThan(5);
  });

  describe.each([
    ['whole experiment', base],
    ['a middle window', { ...base, window: MID }],
  ])('%s', (_label, scope) => {
    it.each(signals)('serving metric %s (%s) per unit, ITT and triggered', async (signal, aggregate) => {
      const metric: MetricDefinition = { source: 'serving', signal, aggregate };
      const actual = await analysis.metricMoments(scope, metric);
      const expected = oracleMoments(data, attributions, scope, metric, { kind: 'none' });
      expectAllClose(actual.itt, expected.itt.map(univariate), 'itt');
      expectAllClose(actual.triggered, expected.triggered.map(univariate), 'triggered');
    });

    it('serving ratio: short feeds per request', async () => {
      const actual = await analysis.ratioMoments(scope, shortFeed, requests);
      const expected = oracleMoments(data, attributions, scope, shortFeed, {
        kind: 'metric',
        metric: requests,
      });
      expectAllClose(actual.itt, expected.itt, 'itt');
      expectAllClose(actual.triggered, expected.triggered, 'triggered');
    });

    it('latency p99 per arm with its order-statistic interval', async () => {
      const result = await analysis.servingQuantile(scope, { signal: 'latency_ms', quantile: 0.99 });
      expect(result.alpha).toBe(0.05);
      for (const [i, arm] of ARMS.entries()) {
        for (const [population, triggeredOnly] of [
          ['itt', false],
          ['triggered', true],
        ] as const) {
          const actual = result[population][i]!;
          const expected = oracleQuantile(data, scope, arm, triggeredOnly, 0.99, 0.05);
          expect({ n: actual.n, units: actual.units, estimate: actual.estimate }).toEqual({
            n: expected.n,
            units: expected.units,
            estimate: expected.estimate,
          });
          expectClose({ cdfSe: actual.cdfSe! }, { cdfSe: expected.cdfSe }, 1e-9, `${population}[${arm}]`);
          expect(actual.fractions![0]).toBeCloseTo(expected.fractions[0], 12);
          expect(actual.fractions![1]).toBeCloseTo(expected.fractions[1], 12);
          expect([actual.lower, actual.upper]).toEqual([expected.lower, expected.upper]);
          expect(actual.bounded).toBe(true);
          expect(actual.lower!).toBeLessThanOrEqual(actual.estimate!);
          expect(actual.upper!).toBeGreaterThanOrEqual(actual.estimate!);
          // Clustered requests: wider than the binomial √(q(1−q)/n) of independent requests.
          expect(actual.cdfSe!).toBeGreaterThan(0.9 * Math.sqrt((0.99 * 0.01) / actual.n));
        }
      }
    });

    it('cumulative moments by day equal the moments of the window up to the end of each day', async () => {
      for (const [y, x] of [
        [engagements, requests],
        [shortFeed, requests],
        [{ source: 'outcomes', eventTypes: ['dwell'], aggregate: 'sum' } as const, null],
      ] as const) {
        const cumulative = await analysis.cumulativeMoments(scope, y, x);
        expect(cumulative.days.length).toBeGreaterThanOrEqual(3);
        expect([...cumulative.days].sort()).toEqual(cumulative.days);
        cumulative.days.forEach((day, d) => {
          const dayEnd = new Date(Date.parse(`${day}T00:00:00.000Z`) + DAY);
          const to = scope.window?.to !== undefined && scope.window.to < dayEnd ? scope.window.to : dayEnd;
          const window: TimeWindow = { ...(scope.window?.from ? { from: scope.window.from } : {}), to };
          const expected = oracleMoments(
            data,
            attributions,
            { ...scope, window },
            y,
            x === null ? { kind: 'none' } : { kind: 'metric', metric: x },
          );
          expectAllClose(cumulative.itt[d]!, expected.itt, `${day} itt`);
          expectAllClose(cumulative.triggered[d]!, expected.triggered, `${day} triggered`);
        });
      }
    });
  });

  it('should show the planted serving effects', async () => {
    const p99 = await analysis.servingQuantile(base, { signal: 'latency_ms', quantile: 0.99 });
    expect(p99.triggered[1]!.lower!).toBeGreaterThan(p99.triggered[0]!.upper!); // latency × 1.4
    const short = await analysis.ratioMoments(base, shortFeed, requests);
    const rate = short.triggered.map((m) => m.sumY / m.sumX);
    expect(rate[1]!).toBeLessThan(rate[0]!); // short feeds × 0.5
  });

  it('should list the covariates and the exposure span', async () => {
    expect(await analysis.covariateNames(config.experimentKey)).toEqual(['favorites_28d']);
    expect(await analysis.covariateNames('nope')).toEqual([]);
    const times = data.exposures.map((x) => x.exposedAt.getTime());
    expect(await analysis.exposureSpan(base)).toEqual({
      first: new Date(Math.min(...times)),
      last: new Date(Math.max(...times)),
      exposures: data.exposures.length,
    });
    expect(await analysis.exposureSpan({ experimentKey: 'nope' })).toEqual({
      first: null,
      last: null,
      exposures: 0,
    });
  });

  it('should reject invalid serving metrics and unsupported populations', async () => {
    await expect(
      analysis.metricMoments(base, { source: 'serving', signal: 'empty_feed', aggregate: 'sum' }),
    ).rejects.toThrow(/boolean, so its aggregate must be count/);
    await expect(
      analysis.metricMoments(base, { source: 'serving', signal: 'latency_ms', aggregate: 'count' }),
    ).rejects.toThrow(/numeric, so its aggregate must be sum/);
    await expect(analysis.servingQuantile(base, { signal: 'latency_ms', quantile: 1 })).rejects.toThrow(
      /quantile/,
    );
    await expect(
      analysis.servingQuantile(
        { ...base, multipleExposures: 'exclude' },
        { signal: 'latency_ms', quantile: 0.5 },
      ),
    ).rejects.toThrow(/supports armSource/);
    await expect(
      analysis.cumulativeMoments(base, { source: 'outcomes', eventTypes: ['click'], aggregate: 'any' }),
    ).rejects.toThrow(/additive/);
  });
});
