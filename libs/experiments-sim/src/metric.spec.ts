import type { Metric } from '@foryou/experiments';
import type { Action, Engagement } from '@foryou/world';
import { impressionValue, primaryMetric, simulatedMetric } from './metric';
import { aaDefinition } from './testing/fixtures';

const engagement = (actions: Action[], dwellMs = 500): Engagement => ({
  viewerId: 'u1',
  postId: 'p1',
  atMs: 0,
  actions: new Set(actions),
  dwellMs,
});

const metric = (fields: Partial<Metric>): Metric => ({
  key: 'm',
  description: 'm',
  direction: 'higher-is-better',
  source: 'outcomes',
  events: ['favorite'],
  aggregate: 'count',
  denominator: 'exposures',
  ...fields,
});

describe('simulated metrics', () => {
  it('reads the primary metric of a definition', () => {
    expect(primaryMetric(aaDefinition())).toEqual({
      key: 'engagement_per_exposure',
      eventTypes: ['favorite', 'reply', 'repost'],
      aggregate: 'count',
      denominator: 'exposures',
    });
  });

  it('refuses what the engagement simulator cannot produce', () => {
    expect(() =>
      simulatedMetric(
        metric({ source: 'serving', events: undefined, signal: 'latency_ms', aggregate: 'sum' }),
      ),
    ).toThrow(/only source "outcomes"/);
    expect(() =>
      simulatedMetric(metric({ aggregate: 'quantile', quantile: 0.5, denominator: undefined })),
    ).toThrow(/quantiles/);
  });

  it('counts the numerator events of an impression, or sums their values', () => {
    const count = simulatedMetric(metric({ events: ['favorite', 'reply', 'hide'] }));
    expect(impressionValue(count, engagement(['favorite', 'reply', 'click']))).toBe(2);
    expect(impressionValue(count, engagement(['click']))).toBe(0);
    const dwell = simulatedMetric(metric({ events: ['dwell', 'favorite'], aggregate: 'sum' }));
    expect(impressionValue(dwell, engagement(['dwell', 'favorite'], 4_200))).toBe(4_201);
  });
});
