import type { ServingSignal } from './serving';
import { ITT_UNITS_CTES, windowParams } from './scope-sql';
import type { TimeWindow } from './types';

/**
 * The two statements of a per-arm quantile of a numeric serving signal (`servingQuantile`):
 *
 * 1. `quantileEstimateSql`: per arm, for ITT and triggered, the number of requests, the sample
 *    quantile `percentile_disc(q)` (the smallest value whose cumulative share of requests is ≥ q), and
 *    the per-unit moments of (c, m) = (requests with value ≤ that quantile, requests): the inputs of
 *    the clustered (delta-method) variance of the empirical CDF at the quantile.
 * 2. `quantileBoundsSql`: per arm, the order statistics at two fractions computed from that variance
 *    (`percentile_disc(ARRAY[lo, hi])`: one sort).
 *
 * Requests: the distinct requests (request_id, else exposure_id) of the population's units in the
 * window; a request logged twice counts once, with the largest value recorded; requests without the
 * fact (NULL) are left out. Triggered: requests with an exposure at or after the unit's first
 * triggered exposure in the window. Arm: the assigned variant.
 */

/** Numeric serving signals that have quantiles. */
export type QuantileSignal = Extract<ServingSignal, 'latency_ms' | 'items_returned'>;

function signalSql(signal: QuantileSignal): string {
  switch (signal) {
    case 'latency_ms':
      return 'm.latency_ms';
    case 'items_returned':
      return 'm.items_returned::float8';
    default: {
      const never: never = signal;
      throw new RangeError(`no quantile for serving signal ${JSON.stringify(never)}`);
    }
  }
}

function requestsCtes(signal: QuantileSignal): string {
  const v = signalSql(signal);
  return `${ITT_UNITS_CTES},
req AS (
  SELECT u.arm, m.unit_id, max(${v}) AS v,
         coalesce(bool_or(m.exposed_at >= u.first_triggered_at), false) AS trig
  FROM experiments.exposures m
  JOIN units u ON u.unit_id = m.unit_id
  WHERE m.experiment_key = $1 AND m.exposed_at >= $2 AND m.exposed_at < $3
  GROUP BY u.arm, m.unit_id, coalesce(m.request_id, m.exposure_id)
  HAVING max(${v}) IS NOT NULL
)`;
}

/** Statement 1. Parameters: $1 key, $2 from, $3 to, $4 quantile. One row per arm with requests. */
export function quantileEstimateSql(
  experimentKey: string,
  window: TimeWindow | undefined,
  signal: QuantileSignal,
  quantile: number,
): { text: string; values: unknown[] } {
  const moments = (p: 'itt' | 'trig', filter: string): string =>
    [
      `(count(*) FILTER (WHERE ${filter}))::float8 AS ${p}_units`,
      `coalesce(sum(p.c_${p}) FILTER (WHERE ${filter}), 0) AS ${p}_sy`,
      `coalesce(sum(p.c_${p} * p.c_${p}) FILTER (WHERE ${filter}), 0) AS ${p}_syy`,
      `coalesce(sum(p.m_${p}) FILTER (WHERE ${filter}), 0) AS ${p}_sx`,
      `coalesce(sum(p.m_${p} * p.m_${p}) FILTER (WHERE ${filter}), 0) AS ${p}_sxx`,
      `coalesce(sum(p.c_${p} * p.m_${p}) FILTER (WHERE ${filter}), 0) AS ${p}_sxy`,
    ].join(',\n       ');
  const text = `WITH ${requestsCtes(signal)},
q AS (
  SELECT arm,
         count(*)::float8 AS itt_n,
         percentile_disc($4::float8) WITHIN GROUP (ORDER BY v) AS itt_q,
         (count(*) FILTER (WHERE trig))::float8 AS trig_n,
         percentile_disc($4::float8) WITHIN GROUP (ORDER BY v) FILTER (WHERE trig) AS trig_q
  FROM req
  GROUP BY arm
),
per_unit AS (
  SELECT r.arm, r.unit_id,
         count(*)::float8 AS m_itt,
         (count(*) FILTER (WHERE r.v <= q.itt_q))::float8 AS c_itt,
         (count(*) FILTER (WHERE r.trig))::float8 AS m_trig,
         (count(*) FILTER (WHERE r.trig AND r.v <= q.trig_q))::float8 AS c_trig
  FROM req r
  JOIN q ON q.arm = r.arm
  GROUP BY r.arm, r.unit_id
)
SELECT q.arm, q.itt_n, q.itt_q, q.trig_n, q.trig_q,
       ${moments('itt', 'true')},
       ${moments('trig', 'p.m_trig > 0')}
FROM q
JOIN per_unit p ON p.arm = q.arm
GROUP BY q.arm, q.itt_n, q.itt_q, q.trig_n, q.trig_q`;
  return { text, values: [experimentKey, ...windowParams(window), quantile] };
}

/** Fractions (in [0, 1]) whose order statistics bound an arm's interval, ITT and triggered. */
export interface BoundFractions {
  readonly arm: string;
  readonly itt: readonly [number, number];
  readonly triggered: readonly [number, number];
}

/**
 * Statement 2. Parameters: $1 key, $2 from, $3 to, $4 arms, $5–$8 the fractions. One row per arm with
 * requests: `itt_b` and `trig_b` = [lower, upper] order statistics (trig_b NULL without triggered requests).
 */
export function quantileBoundsSql(
  experimentKey: string,
  window: TimeWindow | undefined,
  signal: QuantileSignal,
  fractions: readonly BoundFractions[],
): { text: string; values: unknown[] } {
  for (const f of fractions) {
    for (const x of [...f.itt, ...f.triggered]) {
      if (!(x >= 0 && x <= 1)) {
        throw new RangeError(`quantile bound fractions must be in [0, 1] (got ${x} for ${f.arm})`);
      }
    }
  }
  const text = `WITH ${requestsCtes(signal)},
f AS (
  SELECT * FROM unnest($4::text[], $5::float8[], $6::float8[], $7::float8[], $8::float8[])
    AS t(arm, itt_lo, itt_hi, trig_lo, trig_hi)
)
SELECT r.arm,
       percentile_disc(ARRAY[f.itt_lo, f.itt_hi]) WITHIN GROUP (ORDER BY r.v) AS itt_b,
       percentile_disc(ARRAY[f.trig_lo, f.trig_hi]) WITHIN GROUP (ORDER BY r.v) FILTER (WHERE r.trig) AS trig_b
FROM req r
JOIN f ON f.arm = r.arm
GROUP BY r.arm, f.itt_lo, f.itt_hi, f.trig_lo, f.trig_hi`;
  return {
    text,
    values: [
      experimentKey,
      ...windowParams(window),
      fractions.map((f) => f.arm),
      fractions.map((f) => f.itt[0]),
      fractions.map((f) => f.itt[1]),
      fractions.map((f) => f.triggered[0]),
      fractions.map((f) => f.triggered[1]),
    ],
  };
}
