import {
  type ExperimentAnalysis,
  syntheticConfig,
  syntheticDataset,
  type AnalysisScope,
  type MetricDefinition,
  type MetricPair,
  type ScratchDatabase,
} from '@foryou/experiments-store';
import { expectAllClose, freshDatabase, HOUR, loadDataset, withoutServingFacts } from './helpers';
import { oracleAttribute, oracleMoments } from './oracle';

// Real PostgreSQL on a shared, loaded machine: creating, loading and dropping a database takes seconds.
jest.setTimeout(90_000);

const DAY = 24 * HOUR;
const WINDOW_MS = 6 * HOUR;
const config = syntheticConfig({
  seed: 4242,
  experimentKey: 'exp_multi',
  units: 2000,
  orphanUnits: 5,
  days: 6,
  multipleExposureRate: 0.04,
  attributionWindowMs: WINDOW_MS,
  arms: [
    { name: 'control', weight: 1 },
    { name: 'treatment', weight: 1, lift: 1.2, latencyFactor: 1.3, shortFeedFactor: 0.5 },
  ],
});
const data = withoutServingFacts(syntheticDataset(config), 13);
const attributions = oracleAttribute(data.exposures, data.outcomes, config.experimentKey, WINDOW_MS);
const base: AnalysisScope = { experimentKey: config.experimentKey, arms: ['control', 'treatment'] };
const at = (hours: number): Date => new Date(config.start.getTime() + hours * HOUR);

const requests: MetricDefinition = { source: 'exposures' };
const engagements: MetricDefinition = {
  source: 'outcomes',
  eventTypes: ['favorite', 'reply', 'repost'],
  aggregate: 'count',
};
const dwell: MetricDefinition = { source: 'outcomes', eventTypes: ['dwell'], aggregate: 'sum' };
const clicked: MetricDefinition = { source: 'outcomes', eventTypes: ['click'], aggregate: 'any' };
const favorites: MetricDefinition = { source: 'outcomes', eventTypes: ['favorite'], aggregate: 'count' };
const short: MetricDefinition = { source: 'serving', signal: 'short_feed', aggregate: 'count' };
const empty: MetricDefinition = { source: 'serving', signal: 'empty_feed', aggregate: 'count' };
const latency: MetricDefinition = { source: 'serving', signal: 'latency_ms', aggregate: 'sum' };

const pairs: MetricPair[] = [
  { y: engagements, x: requests },
  { y: dwell, x: null },
  { y: clicked, x: null },
  { y: short, x: requests },
  { y: empty, x: requests },
  { y: latency, x: requests },
  { y: dwell, x: favorites },
  { y: requests, x: null },
];

describe('several metrics in one statement equal the row-by-row oracle', () => {
  let db: ScratchDatabase;
  let analysis: ExperimentAnalysis;

  beforeAll(async () => {
    db = await freshDatabase();
    analysis = await loadDataset(db, data, config.experimentKey, WINDOW_MS);
  });

  afterAll(async () => {
    await db.drop();
  });

  describe.each([
    ['whole experiment', base],
    ['before a kill', { ...base, window: { to: at(70) } }],
    [
      'first-exposure arm, multiples excluded, middle window',
      {
        ...base,
        window: { from: at(20), to: at(110) },
        armSource: 'first-exposure' as const,
        multipleExposures: 'exclude' as const,
      },
    ],
  ])('%s', (_label, scope) => {
    it('multiMetricMoments: every pair, ITT and triggered, and the exclusions', async () => {
      const results = await analysis.multiMetricMoments(scope, pairs);
      expect(results).toHaveLength(pairs.length);
      pairs.forEach((pair, k) => {
        const expected = oracleMoments(
          data,
          attributions,
          scope,
          pair.y,
          pair.x === null ? { kind: 'none' } : { kind: 'metric', metric: pair.x },
        );
        expectAllClose(results[k]!.itt, expected.itt, `pair ${k} itt`);
        expectAllClose(results[k]!.triggered, expected.triggered, `pair ${k} triggered`);
        expect(results[k]!.excluded).toEqual(expected.excluded);
      });
    });
  });

  it('cumulativeMultiMoments: every pair at the end of each day equals the window up to then', async () => {
    const additive = pairs.filter((p) => p.y !== clicked);
    const scope: AnalysisScope = { ...base, window: { from: at(5), to: at(118) } };
    const results = await analysis.cumulativeMultiMoments(scope, additive);
    additive.forEach((pair, k) => {
      const r = results[k]!;
      expect(r.days.length).toBeGreaterThanOrEqual(5);
      r.days.forEach((day, d) => {
        const dayEnd = new Date(Date.parse(`${day}T00:00:00.000Z`) + DAY);
        const to = dayEnd < scope.window!.to! ? dayEnd : scope.window!.to!;
        const expected = oracleMoments(
          data,
          attributions,
          { ...scope, window: { from: scope.window!.from!, to } },
          pair.y,
          pair.x === null ? { kind: 'none' } : { kind: 'metric', metric: pair.x },
        );
        expectAllClose(r.itt[d]!, expected.itt, `pair ${k} ${day} itt`);
        expectAllClose(r.triggered[d]!, expected.triggered, `pair ${k} ${day} triggered`);
      });
    });
  });

  it('should refuse what one statement cannot compute', async () => {
    await expect(analysis.multiMetricMoments(base, [])).rejects.toThrow(/pairs/);
    await expect(analysis.cumulativeMultiMoments(base, [{ y: clicked, x: null }])).rejects.toThrow(
      /additive/,
    );
    await expect(
      analysis.multiMetricMoments(base, [
        { y: { source: 'serving', signal: 'latency_ms', aggregate: 'count' }, x: null },
      ]),
    ).rejects.toThrow(/pairs\[0\]\.y/);
  });
});
