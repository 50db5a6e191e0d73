import type { Metric } from '@foryou/experiments';
import { isOutcomeEventType, type MetricDefinition, type QuantileSignal } from '@foryou/experiments-store';

/**
 * How a definition metric (`experiments/*.yaml`) is computed from the store:
 * - `denominator: exposures` → a ratio Σnumerator/Σrequests with the viewer as the unit (delta method):
 *   `ratioMoments(numerator, { source: 'exposures' })`;
 * - `denominator: units` → a per-unit mean: `metricMoments(metric)`;
 * - `aggregate: quantile` → a per-arm quantile over requests: `servingQuantile`.
 * The numerator is attributed outcomes of `events` (`source: outcomes`), or a serving signal of each
 * distinct request (`source: serving`).
 */
export type MetricPlan =
  | { readonly kind: 'ratio'; readonly numerator: MetricDefinition; readonly denominator: MetricDefinition }
  | { readonly kind: 'mean'; readonly metric: MetricDefinition }
  | { readonly kind: 'quantile'; readonly signal: QuantileSignal; readonly quantile: number };

/** The distinct requests of a unit: the denominator of every per-exposure ratio. */
export const REQUESTS: MetricDefinition = { source: 'exposures' };

function numerator(metric: Metric): MetricDefinition {
  if (metric.aggregate === 'quantile') {
    throw new RangeError(`metric ${metric.key}: a quantile has no per-unit numerator`);
  }
  if (metric.source === 'outcomes') {
    const events = metric.events;
    if (events === undefined || !events.every(isOutcomeEventType)) {
      throw new RangeError(`metric ${metric.key}: source outcomes needs outcome event types`);
    }
    return { source: 'outcomes', eventTypes: events, aggregate: metric.aggregate };
  }
  if (metric.signal === undefined) {
    throw new RangeError(`metric ${metric.key}: source serving needs a signal`);
  }
  return { source: 'serving', signal: metric.signal, aggregate: metric.aggregate };
}

export function planMetric(metric: Metric): MetricPlan {
  if (metric.aggregate === 'quantile') {
    if (metric.signal !== 'latency_ms' && metric.signal !== 'items_returned') {
      throw new RangeError(`metric ${metric.key}: quantiles need a numeric serving signal`);
    }
    if (metric.quantile === undefined) {
      throw new RangeError(`metric ${metric.key}: aggregate quantile needs quantile`);
    }
    return { kind: 'quantile', signal: metric.signal, quantile: metric.quantile };
  }
  const y = numerator(metric);
  return metric.denominator === 'units'
    ? { kind: 'mean', metric: y }
    : { kind: 'ratio', numerator: y, denominator: REQUESTS };
}

/** The per-unit quantity CUPED adjusts for this metric (null for quantiles). */
export function cupedTarget(metric: Metric): MetricDefinition | null {
  return metric.aggregate === 'quantile' ? null : numerator(metric);
}

/** One line saying what the metric measures, e.g. "count of favorite, reply per request (ratio)". */
export function describeMeasure(metric: Metric): string {
  const what =
    metric.source === 'outcomes'
      ? `${metric.aggregate === 'sum' ? 'sum of values' : 'count'} of ${(metric.events ?? []).join(', ')}`
      : metric.aggregate === 'quantile'
        ? `p${Math.round((metric.quantile ?? 0) * 1000) / 10} of ${metric.signal ?? '?'} over requests`
        : metric.aggregate === 'count'
          ? `requests with ${metric.signal ?? '?'}`
          : `sum of ${metric.signal ?? '?'}`;
  switch (metric.denominator) {
    case 'exposures':
      return `${what} per request (ratio, delta method per viewer)`;
    case 'units':
      return `${what} per viewer (mean)`;
    case undefined:
      return `${what} (order-statistic interval, clustered by viewer)`;
  }
}
