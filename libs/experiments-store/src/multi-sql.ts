import type { AnalysisScope, MetricDefinition } from './analysis';
import { utcDay, windowParams } from './scope-sql';
import { servingSignalSql, type ServingSignal } from './serving';

/**
 * Several metrics in ONE statement (`multiMetricMoments`, `cumulativeMoments`): the window's exposures
 * are aggregated once per (unit, request) for every request-based metric (requests, serving signals),
 * and the attributions are scanned once for every outcome metric (one FILTER per metric), instead of
 * once per metric. Same populations and per-unit values as `metricMoments` / `ratioMoments` (README
 * "Populations"); the integration specs check both against the row-by-row oracle.
 */

/** y (and x for a ratio; null = 0) of one requested result. */
export interface MetricPair {
  readonly y: MetricDefinition;
  readonly x: MetricDefinition | null;
}

/** The distinct metrics of some pairs, and where each pair's y and x are in that list. */
export interface MetricIndex {
  readonly metrics: MetricDefinition[];
  readonly pairs: { readonly y: number; readonly x: number | null }[];
}

export function indexMetrics(pairs: readonly MetricPair[]): MetricIndex {
  const metrics: MetricDefinition[] = [];
  const keys: string[] = [];
  const at = (m: MetricDefinition): number => {
    const key = JSON.stringify(m);
    let i = keys.indexOf(key);
    if (i < 0) {
      i = keys.length;
      keys.push(key);
      metrics.push(m);
    }
    return i;
  };
  return { metrics, pairs: pairs.map((p) => ({ y: at(p.y), x: p.x === null ? null : at(p.x) })) };
}

type Outcome = Extract<MetricDefinition, { source: 'outcomes' }>;

function isRequestBased(m: MetricDefinition): boolean {
  return m.source === 'exposures' || m.source === 'serving';
}

function signals(metrics: readonly MetricDefinition[]): ServingSignal[] {
  const out: ServingSignal[] = [];
  for (const m of metrics) {
    if (m.source === 'serving' && !out.includes(m.signal)) {
      out.push(m.signal);
    }
  }
  return out;
}

/** Pushes the event types of each outcome metric; returns their parameter names by metric index. */
function outcomeParams(metrics: readonly MetricDefinition[], values: unknown[]): Map<number, string> {
  const params = new Map<number, string>();
  metrics.forEach((m, j) => {
    if (m.source === 'outcomes') {
      values.push([...m.eventTypes]);
      params.set(j, `$${values.length}::text[]`);
    }
  });
  return params;
}

function allTypes(metrics: readonly MetricDefinition[]): string[] {
  return [...new Set(metrics.flatMap((m) => (m.source === 'outcomes' ? [...m.eventTypes] : [])))];
}

/** The `exposed` and `units` CTEs of a scope (arm source and multiple-exposure policy as `metricMoments`). */
function populationCtes(scope: Pick<AnalysisScope, 'armSource' | 'multipleExposures'>): string {
  const firstExposure = (scope.armSource ?? 'assignment') === 'first-exposure';
  const exclude = (scope.multipleExposures ?? 'keep') === 'exclude';
  return `exposed AS (
  SELECT e.unit_id, min(e.exposed_at) AS first_at,
         min(e.exposed_at) FILTER (WHERE e.triggered) AS first_triggered_at,
         min(e.variant) <> max(e.variant) AS multiple${
           firstExposure
             ? `,
         (array_agg(e.variant ORDER BY e.exposed_at, e.exposure_id COLLATE "C"))[1] AS first_variant`
             : ''
         }
  FROM experiments.exposures e
  WHERE e.experiment_key = $1 AND e.exposed_at >= $2 AND e.exposed_at < $3
  GROUP BY e.unit_id
),
units AS (
  SELECT e.unit_id, ${firstExposure ? 'e.first_variant' : 'g.variant'} AS arm, e.first_at, e.first_triggered_at,
         ${exclude ? 'e.multiple' : 'false'} AS excluded
  FROM exposed e
  JOIN experiments.assignments g ON g.experiment_key = $1 AND g.unit_id = e.unit_id
)`;
}

/** CTE `req`: one row per (unit, request) in the window with the signals' largest values. */
function requestsCte(used: readonly ServingSignal[], withDays: boolean): string {
  const columns = used.map((s) => `max(${servingSignalSql(s)}) AS s_${s}`);
  const days = withDays
    ? [
        `${utcDay('min(m.exposed_at)')} AS day_itt`,
        `${utcDay('min(m.exposed_at) FILTER (WHERE m.exposed_at >= u.first_triggered_at)')} AS day_trig`,
      ]
    : ['coalesce(bool_or(m.exposed_at >= u.first_triggered_at), false) AS trig'];
  return `req AS (
  SELECT ${['m.unit_id', ...days, ...columns].join(', ')}
  FROM experiments.exposures m
  JOIN units u ON u.unit_id = m.unit_id
  WHERE m.experiment_key = $1 AND m.exposed_at >= $2 AND m.exposed_at < $3
  GROUP BY m.unit_id, coalesce(m.request_id, m.exposure_id)
)`;
}

function outcomeAggregate(m: Outcome, param: string, trig: boolean): string {
  const filter = `a.event_type = ANY(${param})${trig ? ' AND a.occurred_at >= u.first_triggered_at' : ''}`;
  switch (m.aggregate) {
    case 'count':
      return `(count(*) FILTER (WHERE ${filter}))::float8`;
    case 'sum':
      return `coalesce(sum(a.value) FILTER (WHERE ${filter}), 0)::float8`;
    case 'any':
      return `CASE WHEN coalesce(bool_or(${filter}), false) THEN 1 ELSE 0 END::float8`;
  }
}

function sums(prefix: string, y: string, x: string, filter: string): string[] {
  return [
    `coalesce(sum(${y}) FILTER (WHERE ${filter}), 0) AS ${prefix}_sy`,
    `coalesce(sum(${y} * ${y}) FILTER (WHERE ${filter}), 0) AS ${prefix}_syy`,
    `coalesce(sum(${x}) FILTER (WHERE ${filter}), 0) AS ${prefix}_sx`,
    `coalesce(sum(${x} * ${x}) FILTER (WHERE ${filter}), 0) AS ${prefix}_sxx`,
    `coalesce(sum(${x} * ${y}) FILTER (WHERE ${filter}), 0) AS ${prefix}_sxy`,
  ];
}

/**
 * Per-arm moments of every pair: one row per arm with `excluded_n`, `itt_n`, `trig_n` and, for pair k,
 * `k{k}_itt_{sy,syy,sx,sxx,sxy}` and `k{k}_trig_…`. Parameters: $1 key, $2 from, $3 to, then event types.
 */
export function multiMomentsSql(
  scope: AnalysisScope,
  pairs: readonly MetricPair[],
): { text: string; values: unknown[] } {
  const values: unknown[] = [scope.experimentKey, ...windowParams(scope.window)];
  const { metrics, pairs: index } = indexMetrics(pairs);
  const ctes = [populationCtes(scope)];
  const joins: string[] = [];
  const used = signals(metrics);
  if (metrics.some(isRequestBased)) {
    const perSignal = used.flatMap((s) => [
      `coalesce(sum(s_${s}), 0)::float8 AS ${s}_itt`,
      `coalesce(sum(s_${s}) FILTER (WHERE trig), 0)::float8 AS ${s}_trig`,
    ]);
    ctes.push(
      requestsCte(used, false),
      `req_unit AS (
  SELECT ${['unit_id', 'count(*)::float8 AS requests_itt', '(count(*) FILTER (WHERE trig))::float8 AS requests_trig', ...perSignal].join(',\n         ')}
  FROM req
  GROUP BY unit_id
)`,
    );
    joins.push('LEFT JOIN req_unit ru ON ru.unit_id = u.unit_id');
  }
  const params = outcomeParams(metrics, values);
  if (params.size > 0) {
    values.push(allTypes(metrics));
    const columns = metrics.flatMap((m, j) =>
      m.source === 'outcomes'
        ? [
            `${outcomeAggregate(m, params.get(j) ?? '', false)} AS o${j}_itt`,
            `${outcomeAggregate(m, params.get(j) ?? '', true)} AS o${j}_trig`,
          ]
        : [],
    );
    ctes.push(`att_unit AS (
  SELECT ${['a.unit_id', ...columns].join(',\n         ')}
  FROM experiments.attributions a
  JOIN units u ON u.unit_id = a.unit_id
  WHERE a.experiment_key = $1 AND a.event_type = ANY($${values.length}::text[])
    AND a.exposed_at >= $2 AND a.exposed_at < $3
  GROUP BY a.unit_id
)`);
    joins.push('LEFT JOIN att_unit au ON au.unit_id = u.unit_id');
  }
  const column = (m: MetricDefinition, j: number, p: 'itt' | 'trig'): string => {
    switch (m.source) {
      case 'outcomes':
        return `coalesce(au.o${j}_${p}, 0)`;
      case 'exposures':
        return `coalesce(ru.requests_${p}, 0)`;
      case 'serving':
        return `coalesce(ru.${m.signal}_${p}, 0)`;
    }
  };
  ctes.push(`per_unit AS (
  SELECT ${[
    'u.arm',
    'u.excluded',
    'u.first_triggered_at IS NOT NULL AS is_triggered',
    ...metrics.flatMap((m, j) => [
      `${column(m, j, 'itt')} AS v${j}_itt`,
      `${column(m, j, 'trig')} AS v${j}_trig`,
    ]),
  ].join(',\n         ')}
  FROM units u
  ${joins.join('\n  ')}
)`);
  const select = [
    'arm',
    '(count(*) FILTER (WHERE excluded))::float8 AS excluded_n',
    '(count(*) FILTER (WHERE NOT excluded))::float8 AS itt_n',
    '(count(*) FILTER (WHERE NOT excluded AND is_triggered))::float8 AS trig_n',
    ...index.flatMap((p, k) => [
      ...sums(`k${k}_itt`, `v${p.y}_itt`, p.x === null ? '0::float8' : `v${p.x}_itt`, 'NOT excluded'),
      ...sums(
        `k${k}_trig`,
        `v${p.y}_trig`,
        p.x === null ? '0::float8' : `v${p.x}_trig`,
        'NOT excluded AND is_triggered',
      ),
    ]),
  ];
  const text = `WITH ${ctes.join(',\n')}
SELECT ${select.join(',\n       ')}
FROM per_unit
GROUP BY arm`;
  return { text, values };
}

/**
 * Per-(arm, day) deltas of the moments of every pair cumulated from the window start to the end of each
 * UTC day: `itt_n`, `trig_n` (units entering the populations that day) and, for pair k,
 * `k{k}_itt_{sy,syy,sx,sxx,sxy}` and `k{k}_trig_…`. A unit's cumulative value is a step function of the
 * day, so each sum changes on a day only by the units that changed that day: with C its cumulative value
 * after the day and c the day's increment, Σy moves by c, Σy² by C² − (C − c)², Σxy by
 * CˣCʸ − (Cˣ − cˣ)(Cʸ − cʸ). An event enters the ITT sums on the day of its exposure (the attributed
 * exposure of an outcome, the first exposure of a request) and the triggered sums on the later of that
 * day and the unit's first triggered day, if it counts after the trigger. Additive metrics only (no
 * `any`); the arm is the assigned variant and multiple exposures are kept.
 */
export function cumulativeMultiSql(
  experimentKey: string,
  window: AnalysisScope['window'],
  pairs: readonly MetricPair[],
): { text: string; values: unknown[] } {
  const values: unknown[] = [experimentKey, ...windowParams(window)];
  const { metrics, pairs: index } = indexMetrics(pairs);
  for (const m of metrics) {
    if (m.source === 'outcomes' && m.aggregate === 'any') {
      throw new RangeError('cumulative moments need additive metrics (count or sum), not any');
    }
  }
  const ctes = [populationCtes({})];
  const zeros = (n: number): string[] => Array.from({ length: n }, () => '0::float8');
  const k = metrics.length;
  // Event rows: (unit_id, day, v0_itt … v{k-1}_itt, v0_trig … v{k-1}_trig).
  const rows: string[] = [
    `SELECT unit_id, ${utcDay('first_at')} AS day, ${[...zeros(2 * k)].join(', ')} FROM units`,
    `SELECT unit_id, ${utcDay('first_triggered_at')}, ${zeros(2 * k).join(', ')} FROM units WHERE first_triggered_at IS NOT NULL`,
  ];
  const used = signals(metrics);
  if (metrics.some(isRequestBased)) {
    ctes.push(requestsCte(used, true));
    const value = (m: MetricDefinition): string =>
      m.source === 'exposures'
        ? '1::float8'
        : m.source === 'serving'
          ? `coalesce(s_${m.signal}, 0)`
          : '0::float8';
    rows.push(
      `SELECT unit_id, day_itt, ${[...metrics.map(value), ...zeros(k)].join(', ')} FROM req`,
      `SELECT unit_id, day_trig, ${[...zeros(k), ...metrics.map(value)].join(', ')} FROM req WHERE day_trig IS NOT NULL`,
    );
  }
  const params = outcomeParams(metrics, values);
  if (params.size > 0) {
    values.push(allTypes(metrics));
    ctes.push(`att AS (
  SELECT a.unit_id, a.event_type, a.value, ${utcDay('a.exposed_at')} AS day_itt,
         CASE WHEN a.occurred_at >= u.first_triggered_at
              THEN greatest(${utcDay('a.exposed_at')}, ${utcDay('u.first_triggered_at')}) END AS day_trig
  FROM experiments.attributions a
  JOIN units u ON u.unit_id = a.unit_id
  WHERE a.experiment_key = $1 AND a.event_type = ANY($${values.length}::text[])
    AND a.exposed_at >= $2 AND a.exposed_at < $3
)`);
    const value = (m: MetricDefinition, j: number): string =>
      m.source === 'outcomes'
        ? `CASE WHEN event_type = ANY(${params.get(j) ?? ''}) THEN ${m.aggregate === 'sum' ? 'value' : '1'} ELSE 0 END::float8`
        : '0::float8';
    rows.push(
      `SELECT unit_id, day_itt, ${[...metrics.map(value), ...zeros(k)].join(', ')} FROM att`,
      `SELECT unit_id, day_trig, ${[...zeros(k), ...metrics.map(value)].join(', ')} FROM att WHERE day_trig IS NOT NULL`,
    );
  }
  const names = [...metrics.map((_, j) => `v${j}_itt`), ...metrics.map((_, j) => `v${j}_trig`)];
  ctes.push(
    `ud AS (
  SELECT unit_id, day, ${names.map((c) => `sum(${c}) AS ${c}`).join(', ')}
  FROM (
    ${rows.join('\n    UNION ALL\n    ')}
  ) ev (unit_id, day, ${names.join(', ')})
  GROUP BY unit_id, day
)`,
    `cum AS (
  SELECT ${[
    'u.arm',
    'ud.day',
    `ud.day = ${utcDay('u.first_at')} AS itt_entry`,
    `coalesce(ud.day = ${utcDay('u.first_triggered_at')}, false) AS trig_entry`,
    ...names.map((c) => `ud.${c}`),
    ...names.map((c) => `sum(ud.${c}) OVER w AS c_${c}`),
  ].join(',\n         ')}
  FROM ud
  JOIN units u ON u.unit_id = ud.unit_id
  WINDOW w AS (PARTITION BY ud.unit_id ORDER BY ud.day)
)`,
  );
  const deltas = (prefix: string, y: string, x: string | null): string[] => {
    const [cy, cx] = [`c_${y}`, x === null ? '0::float8' : `c_${x}`];
    const [dy, dx] = [y, x === null ? '0::float8' : x];
    return [
      `sum(${dy}) AS ${prefix}_sy`,
      `sum(${cy} * ${cy} - (${cy} - ${dy}) * (${cy} - ${dy})) AS ${prefix}_syy`,
      `sum(${dx}) AS ${prefix}_sx`,
      `sum(${cx} * ${cx} - (${cx} - ${dx}) * (${cx} - ${dx})) AS ${prefix}_sxx`,
      `sum(${cx} * ${cy} - (${cx} - ${dx}) * (${cy} - ${dy})) AS ${prefix}_sxy`,
    ];
  };
  const select = [
    'arm',
    "to_char(day, 'YYYY-MM-DD') AS day",
    '(count(*) FILTER (WHERE itt_entry))::float8 AS itt_n',
    '(count(*) FILTER (WHERE trig_entry))::float8 AS trig_n',
    ...index.flatMap((p, i) => [
      ...deltas(`k${i}_itt`, `v${p.y}_itt`, p.x === null ? null : `v${p.x}_itt`),
      ...deltas(`k${i}_trig`, `v${p.y}_trig`, p.x === null ? null : `v${p.x}_trig`),
    ]),
  ];
  const text = `WITH ${ctes.join(',\n')}
SELECT ${select.join(',\n       ')}
FROM cum
GROUP BY arm, day
ORDER BY day, arm`;
  return { text, values };
}
