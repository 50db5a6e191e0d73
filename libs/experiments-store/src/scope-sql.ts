import type { TimeWindow } from './types';

/**
 * SQL fragments shared by the analysis statements that are built outside `analysis.ts` (quantiles,
 * cumulative moments). Every value goes in as a parameter: $1 experiment_key, $2 window from, $3
 * window to (`-infinity` / `infinity` for a missing bound).
 */

/** `[from, to]` as timestamptz parameters; a missing bound is unbounded. */
export function windowParams(window: TimeWindow | undefined): [string, string] {
  return [window?.from?.toISOString() ?? '-infinity', window?.to?.toISOString() ?? 'infinity'];
}

/**
 * CTEs `exposed` and `units`: the ITT population of the window (assigned units with an exposure row
 * in it), with the assigned arm, the first exposure and the first triggered exposure in the window.
 */
export const ITT_UNITS_CTES = `exposed AS (
  SELECT e.unit_id, min(e.exposed_at) AS first_at,
         min(e.exposed_at) FILTER (WHERE e.triggered) AS first_triggered_at
  FROM experiments.exposures e
  WHERE e.experiment_key = $1 AND e.exposed_at >= $2 AND e.exposed_at < $3
  GROUP BY e.unit_id
),
units AS (
  SELECT e.unit_id, g.variant AS arm, e.first_at, e.first_triggered_at
  FROM exposed e
  JOIN experiments.assignments g ON g.experiment_key = $1 AND g.unit_id = e.unit_id
)`;

/** `(ts AT TIME ZONE 'UTC')::date`: the UTC day of a timestamptz expression. */
export function utcDay(expression: string): string {
  return `(${expression} AT TIME ZONE 'UTC')::date`;
}
