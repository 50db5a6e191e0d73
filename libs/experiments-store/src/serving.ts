/**
 * Serving signals: the per-request facts home-mixer records with each exposure (migration 0004), as the
 * `source: serving` metrics of experiment definitions use them.
 */

/** Per-request serving signals (`experiments.exposures` columns of migration 0004). */
export type ServingSignal = 'latency_ms' | 'items_returned' | 'empty_feed' | 'short_feed';

/** Numeric signals (sum, quantile) vs boolean ones (count of the requests where they hold). */
export const SERVING_SIGNAL_KINDS: Readonly<Record<ServingSignal, 'numeric' | 'boolean'>> = {
  latency_ms: 'numeric',
  items_returned: 'numeric',
  empty_feed: 'boolean',
  short_feed: 'boolean',
};

/**
 * SQL value of a signal for one exposure row aliased `m` (a fixed expression per signal, never user
 * text). Boolean signals are 1/0, and 0 when the fact is NULL.
 */
export function servingSignalSql(signal: ServingSignal): string {
  switch (signal) {
    case 'latency_ms':
      return 'm.latency_ms';
    case 'items_returned':
      return 'm.items_returned::float8';
    case 'empty_feed':
      return 'CASE WHEN m.items_returned = 0 THEN 1 ELSE 0 END::float8';
    case 'short_feed':
      return 'CASE WHEN m.items_returned < m.requested_items THEN 1 ELSE 0 END::float8';
    default: {
      const never: never = signal;
      throw new RangeError(`unknown serving signal ${JSON.stringify(never)}`);
    }
  }
}

/** A serving metric's signal must exist, and be summed when numeric, counted when boolean. */
export function validateServingMetric(
  metric: { readonly signal: ServingSignal; readonly aggregate: 'count' | 'sum' },
  name: string,
): void {
  const kind = Object.hasOwn(SERVING_SIGNAL_KINDS, metric.signal)
    ? SERVING_SIGNAL_KINDS[metric.signal]
    : null;
  if (kind === null) {
    throw new RangeError(`${name}.signal must be one of ${Object.keys(SERVING_SIGNAL_KINDS).join(', ')}`);
  }
  const expected = kind === 'numeric' ? 'sum' : 'count';
  if (metric.aggregate !== expected) {
    throw new RangeError(`${name}: signal ${metric.signal} is ${kind}, so its aggregate must be ${expected}`);
  }
}
