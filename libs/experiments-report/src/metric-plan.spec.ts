import { describeMeasure, planMetric, REQUESTS } from './metric-plan';
import { experimentDefinition } from './testing/fixtures';

describe(planMetric.name, () => {
  const def = experimentDefinition();
  const byKey = new Map(
    [def.primary_metric, ...def.secondary_metrics, ...def.guardrails].map((m) => [m.key, m]),
  );

  it('should make per-exposure metrics ratios over the distinct requests', () => {
    expect(planMetric(byKey.get('engagement_per_exposure')!)).toEqual({
      kind: 'ratio',
      numerator: { source: 'outcomes', eventTypes: ['favorite', 'reply', 'repost'], aggregate: 'count' },
      denominator: REQUESTS,
    });
    expect(planMetric(byKey.get('short_feed_rate')!)).toEqual({
      kind: 'ratio',
      numerator: { source: 'serving', signal: 'short_feed', aggregate: 'count' },
      denominator: { source: 'exposures' },
    });
  });

  it('should make per-unit metrics means and quantiles quantiles', () => {
    expect(planMetric(byKey.get('dwell_ms_per_viewer')!)).toEqual({
      kind: 'mean',
      metric: { source: 'outcomes', eventTypes: ['dwell'], aggregate: 'sum' },
    });
    expect(planMetric(byKey.get('feed_latency_p99')!)).toEqual({
      kind: 'quantile',
      signal: 'latency_ms',
      quantile: 0.99,
    });
  });

  it('should describe what is measured', () => {
    expect(describeMeasure(byKey.get('engagement_per_exposure')!)).toBe(
      'count of favorite, reply, repost per request (ratio, delta method per viewer)',
    );
    expect(describeMeasure(byKey.get('feed_latency_p99')!)).toBe(
      'p99 of latency_ms over requests (order-statistic interval, clustered by viewer)',
    );
  });
});
