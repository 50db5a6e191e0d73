/**
 * The definition's primary metric, as the simulator can compute it from simulated engagements.
 *
 * Supported: `source: outcomes` with `aggregate: count | sum` and `denominator: exposures` (a ratio
 * metric, per-unit numerator y and exposures x, analysed with the delta method) or `units` (a
 * per-unit mean, x ≡ 1). Serving-signal metrics (latency, feed length) and quantiles are not produced
 * by the engagement simulator and are refused.
 */
import type { ExperimentDefinition, Metric, OutcomeEventType } from '@foryou/experiments';
import { ACTIONS, type Action, type Engagement } from '@foryou/world';

export interface SimulatedMetric {
  readonly key: string;
  /** Numerator event types (each is also a world `Action` unless it is `hide`, which never occurs). */
  readonly eventTypes: readonly OutcomeEventType[];
  /** `count`: one per event; `sum`: Σ outcome value (1, or dwell milliseconds for `dwell`). */
  readonly aggregate: 'count' | 'sum';
  /** `exposures`: Σy/Σexposures with the unit as the unit of analysis; `units`: mean of y per unit. */
  readonly denominator: 'exposures' | 'units';
}

const WORLD_ACTIONS: ReadonlySet<string> = new Set(ACTIONS);

/** True when the outcome event type is one the world's simulator can emit. */
export function isWorldAction(eventType: string): eventType is Action {
  return WORLD_ACTIONS.has(eventType);
}

/** The simulator's view of a metric; throws RangeError for metrics it cannot produce. */
export function simulatedMetric(metric: Metric): SimulatedMetric {
  if (metric.source !== 'outcomes' || metric.events === undefined) {
    throw new RangeError(`metric ${metric.key}: only source "outcomes" metrics can be simulated`);
  }
  if (metric.aggregate === 'quantile' || metric.denominator === undefined) {
    throw new RangeError(`metric ${metric.key}: quantiles cannot be simulated`);
  }
  return {
    key: metric.key,
    eventTypes: [...metric.events],
    aggregate: metric.aggregate,
    denominator: metric.denominator,
  };
}

/** The definition's primary metric for the simulator (see {@link simulatedMetric}). */
export function primaryMetric(definition: ExperimentDefinition): SimulatedMetric {
  return simulatedMetric(definition.primary_metric);
}

/** The value an outcome of `action` carries: dwell milliseconds for `dwell`, 1 otherwise. */
export function outcomeValue(action: Action, engagement: Engagement): number {
  return action === 'dwell' ? engagement.dwellMs : 1;
}

/** The metric's numerator contribution of one impression (0 when none of its actions count). */
export function impressionValue(metric: SimulatedMetric, engagement: Engagement): number {
  let y = 0;
  for (const type of metric.eventTypes) {
    if (isWorldAction(type) && engagement.actions.has(type)) {
      y += metric.aggregate === 'count' ? 1 : outcomeValue(type, engagement);
    }
  }
  return y;
}
