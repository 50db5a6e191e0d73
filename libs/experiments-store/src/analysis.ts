import {
  normalQuantile,
  ratioArmEstimate,
  type BivariateMoments,
  type SrmDay,
  type UnivariateMoments,
} from '@foryou/experiments-stats';
import type { Pool } from 'pg';
import { splitAtKills, type AnalysisPeriod } from './periods';
import { cumulativeMultiSql, multiMomentsSql, type MetricPair } from './multi-sql';
import { guardedQuery } from './pg-util';
import {
  quantileBoundsSql,
  quantileEstimateSql,
  type BoundFractions,
  type QuantileSignal,
} from './quantile-sql';
import { windowParams } from './scope-sql';
import { servingSignalSql, validateServingMetric, type ServingSignal } from './serving';
import type { KillRow, OutcomeEventType, TimeWindow } from './types';
import { isOutcomeEventType, validateTimeWindow } from './validate';

/**
 * Read side: per-arm SUFFICIENT STATISTICS computed in PostgreSQL (n, Σy, Σy², Σx, Σx², Σxy), shaped
 * as the inputs of @foryou/experiments-stats. No unit-level row ever leaves the database; each method
 * is one SQL statement that returns one row per arm (or per arm and day).
 *
 * Populations (metric queries), inside the window:
 * - ITT: units with an assignment and at least one exposure row (served or counterfactual) whose
 *   exposed_at is in the window; arm = the assigned variant (default) or the first exposure's.
 * - triggered: the ITT units with at least one `triggered` exposure in the window. Their metric only
 *   counts what happened from their first triggered exposure on.
 * Per-unit metric y: attributed outcomes whose attributed exposure is in the window (so an outcome
 * belongs to the period of the exposure that produced it); a unit without any counts as 0.
 */

/** How per-unit outcomes of the chosen event types are aggregated into the unit's metric value. */
export type MetricAggregate = 'count' | 'sum' | 'any';

export type MetricDefinition =
  /** count: number of outcomes; sum: Σ value; any: 1 if the unit had at least one, else 0. */
  | {
      readonly source: 'outcomes';
      readonly eventTypes: readonly OutcomeEventType[];
      readonly aggregate: MetricAggregate;
    }
  /**
   * Number of distinct exposed requests of the unit (an exposure without a request id counts on its
   * own), e.g. the denominator of a per-request rate. A request logged twice counts once.
   */
  | { readonly source: 'exposures' }
  /**
   * A serving fact of the unit's distinct exposed requests (migration 0004; a request logged twice
   * counts once, with the largest value recorded): `sum` of a numeric signal (`latency_ms`,
   * `items_returned`), or `count` of the requests where a boolean signal holds (`empty_feed`:
   * items_returned = 0; `short_feed`: items_returned < requested_items). A request whose fact was
   * not recorded (NULL) adds 0. Triggered: the requests with an exposure at or after the unit's first
   * triggered exposure.
   */
  | {
      readonly source: 'serving';
      readonly signal: ServingSignal;
      readonly aggregate: 'count' | 'sum';
    };

export interface AnalysisScope {
  readonly experimentKey: string;
  /**
   * Arms in the order of every returned array (e.g. `['control', 'treatment']`). Units of variants
   * not listed are not dropped silently: they are counted in `unlisted`.
   */
  readonly arms: readonly string[];
  /** Half-open [from, to) on exposure time (assignment time for assignment counts). */
  readonly window?: TimeWindow;
  /** Metric queries: arm of a unit. Default 'assignment' (intent to treat). */
  readonly armSource?: 'assignment' | 'first-exposure';
  /**
   * Metric queries: 'exclude' drops units exposed to more than one variant in the window (they are
   * counted in `excluded`), as GrowthBook and Eppo do. Default 'keep'.
   */
  readonly multipleExposures?: 'keep' | 'exclude';
}

export interface ResolvedWindow {
  readonly from: Date | null;
  readonly to: Date | null;
}

/** Per-arm moments of two populations side by side; arrays are aligned with `arms`. */
export interface MomentsResult<M> {
  readonly experimentKey: string;
  readonly arms: readonly string[];
  readonly window: ResolvedWindow;
  readonly itt: M[];
  readonly triggered: M[];
  /** Units dropped by `multipleExposures: 'exclude'`, per arm. */
  readonly excluded: number[];
  /** ITT units whose arm is not in `arms`, by variant. */
  readonly unlisted: Readonly<Record<string, number>>;
}

export interface ArmCounts {
  readonly arms: readonly string[];
  readonly window: ResolvedWindow;
  /** Aligned with `arms`. */
  readonly counts: number[];
  readonly unlisted: Readonly<Record<string, number>>;
}

export interface DailyArmCounts {
  readonly arms: readonly string[];
  readonly window: ResolvedWindow;
  /** UTC days (YYYY-MM-DD) in ascending order that have at least one first exposure; `srmByDay` input. */
  readonly days: SrmDay[];
  readonly unlisted: Readonly<Record<string, number>>;
}

export interface FunnelCounts {
  readonly arms: readonly string[];
  readonly window: ResolvedWindow;
  /** Units assigned in the window, per assigned arm. */
  readonly assigned: number[];
  /** Of those, units with an exposure in the window (≤ assigned; `srmFunnel(assigned, exposed)`). */
  readonly exposed: number[];
  /** Of those, units with a triggered exposure in the window. */
  readonly triggered: number[];
  /** Units exposed in the window that have no assignment at all (logging or join bug). */
  readonly exposedWithoutAssignment: number;
  readonly unlisted: Readonly<Record<string, number>>;
}

/** `checkMultipleExposure` input plus diagnostics. */
export interface MultipleExposureCounts {
  readonly window: ResolvedWindow;
  /** Distinct units exposed in the window, including the multiple ones. */
  readonly unitsExposed: number;
  /** Units exposed to more than one distinct variant in the window. */
  readonly unitsMultipleExposed: number;
  /** Units with an exposure whose variant differs from their assignment. */
  readonly unitsVariantMismatch: number;
  /** Exposed units without an assignment. */
  readonly unitsWithoutAssignment: number;
  /** unitsMultipleExposed by assigned arm, aligned with `arms` (unassigned ones are not included). */
  readonly multipleByArm: number[];
}

/** A per-arm quantile of a numeric serving signal over the population's requests (`servingQuantile`). */
export interface QuantileMetric {
  readonly signal: QuantileSignal;
  /** In (0, 1), e.g. 0.99. */
  readonly quantile: number;
}

/** One arm's quantile with its distribution-free order-statistic interval (see `servingQuantile`). */
export interface QuantileArm {
  /** Distinct requests with the fact recorded. */
  readonly n: number;
  /** Units with at least one such request. */
  readonly units: number;
  /** percentile_disc(q): the order statistic X_(⌈q·n⌉). Null without requests. */
  readonly estimate: number | null;
  /** Per unit: y = requests with value ≤ estimate, x = requests (the clustered variance of F̂). */
  readonly indicator: BivariateMoments;
  /** √Var(F̂(estimate)) by the delta method over units; null with fewer than 2 units. */
  readonly cdfSe: number | null;
  /** Fractions q ∓ z·cdfSe, clamped to [0, 1]; the bounds are the order statistics at them. */
  readonly fractions: readonly [number, number] | null;
  readonly lower: number | null;
  readonly upper: number | null;
  /** false when a fraction had to be clamped (a bound is the sample extreme: coverage not assured). */
  readonly bounded: boolean;
}

export interface QuantileResult {
  readonly experimentKey: string;
  readonly arms: readonly string[];
  readonly window: ResolvedWindow;
  readonly signal: QuantileSignal;
  readonly quantile: number;
  /** Two-sided level of the intervals. */
  readonly alpha: number;
  readonly itt: QuantileArm[];
  readonly triggered: QuantileArm[];
  /** Requests of ITT units whose arm is not in `arms`, by variant. */
  readonly unlisted: Readonly<Record<string, number>>;
}

/**
 * Per-arm moments cumulated from the window start to the end of each UTC day (`cumulativeMoments`):
 * `itt[d][a]` equals `ratioMoments` (or `metricMoments`, with x = 0) for arm a over
 * [window.from, min(window.to, day d + 1)).
 */
export interface CumulativeMomentsResult {
  readonly experimentKey: string;
  readonly arms: readonly string[];
  readonly window: ResolvedWindow;
  /** UTC days (YYYY-MM-DD) on which something entered the sums, ascending. */
  readonly days: string[];
  readonly itt: BivariateMoments[][];
  readonly triggered: BivariateMoments[][];
  /** Units (ITT, whole window) whose arm is not in `arms`, by variant. */
  readonly unlisted: Readonly<Record<string, number>>;
}

/** First and last exposure of the experiment in a window (null when there is none). */
export interface ExposureSpan {
  readonly first: Date | null;
  readonly last: Date | null;
  /** Exposure rows in the window. */
  readonly exposures: number;
}

export interface PeriodResult<T> {
  readonly period: AnalysisPeriod;
  readonly result: T;
}

function resolved(window: TimeWindow | undefined): ResolvedWindow {
  return { from: window?.from ?? null, to: window?.to ?? null };
}

function num(value: unknown): number {
  const n = typeof value === 'number' ? value : Number(value);
  if (value === null || value === undefined || !Number.isFinite(n)) {
    throw new Error(`expected a finite number from PostgreSQL, got ${String(value)}`);
  }
  return n;
}

function validateScope(scope: AnalysisScope): void {
  if (typeof scope.experimentKey !== 'string' || scope.experimentKey.length === 0) {
    throw new RangeError('scope.experimentKey must be a non-empty string');
  }
  if (scope.arms.length === 0 || new Set(scope.arms).size !== scope.arms.length) {
    throw new RangeError('scope.arms must be a non-empty list of distinct variants');
  }
  validateTimeWindow(scope.window);
}

function validatePairs(pairs: readonly MetricPair[]): void {
  if (pairs.length === 0) {
    throw new RangeError('pairs must not be empty');
  }
  pairs.forEach((p, k) => {
    validateMetric(p.y, `pairs[${k}].y`);
    if (p.x !== null) {
      validateMetric(p.x, `pairs[${k}].x`);
    }
  });
}

/** Pair k's moments from a multi-metric row (n from `itt_n`/`trig_n`, sums from `k{k}_…`). */
function pairMoments(row: UnitMomentsRow | undefined, k: number, p: 'itt' | 'trig'): BivariateMoments {
  if (row === undefined) {
    return { n: 0, sumY: 0, sumYSq: 0, sumX: 0, sumXSq: 0, sumXY: 0 };
  }
  const c = `k${k}_${p}`;
  return {
    n: num(row[`${p}_n`]),
    sumY: num(row[`${c}_sy`]),
    sumYSq: num(row[`${c}_syy`]),
    sumX: num(row[`${c}_sx`]),
    sumXSq: num(row[`${c}_sxx`]),
    sumXY: num(row[`${c}_sxy`]),
  };
}

function addMoments(a: BivariateMoments, b: BivariateMoments): BivariateMoments {
  return {
    n: a.n + b.n,
    sumY: a.sumY + b.sumY,
    sumYSq: a.sumYSq + b.sumYSq,
    sumX: a.sumX + b.sumX,
    sumXSq: a.sumXSq + b.sumXSq,
    sumXY: a.sumXY + b.sumXY,
  };
}

/** Statements built outside the moments builder support the default population only. */
function assertAssignmentKeep(scope: AnalysisScope, name: string): void {
  if ((scope.armSource ?? 'assignment') !== 'assignment' || (scope.multipleExposures ?? 'keep') !== 'keep') {
    throw new RangeError(`${name} supports armSource 'assignment' with multipleExposures 'keep' only`);
  }
}

function validateMetric(metric: MetricDefinition, name: string): void {
  switch (metric.source) {
    case 'exposures':
      return;
    case 'outcomes':
      if (metric.eventTypes.length === 0 || !metric.eventTypes.every(isOutcomeEventType)) {
        throw new RangeError(`${name}.eventTypes must be a non-empty list of outcome event types`);
      }
      if (!['count', 'sum', 'any'].includes(metric.aggregate)) {
        throw new RangeError(`${name}.aggregate must be count, sum or any`);
      }
      return;
    case 'serving':
      validateServingMetric(metric, name);
      return;
    default: {
      const never: never = metric;
      throw new RangeError(`${name}: unknown metric ${JSON.stringify(never)}`);
    }
  }
}

/** Splits per-variant rows into arrays aligned with `arms` and the `unlisted` rest. */
function align<R>(
  arms: readonly string[],
  rows: readonly R[],
  variantOf: (row: R) => string,
): { byArm: (R | undefined)[]; unlistedRows: R[] } {
  const index = new Map(arms.map((a, i) => [a, i]));
  const byArm: (R | undefined)[] = arms.map(() => undefined);
  const unlistedRows: R[] = [];
  for (const row of rows) {
    const i = index.get(variantOf(row));
    if (i === undefined) {
      unlistedRows.push(row);
    } else {
      byArm[i] = row;
    }
  }
  return { byArm, unlistedRows };
}

// ---------------------------------------------------------------------------------------------------
// The per-unit moments query. One statement:
//   exposed  — exposures in the window, grouped per unit (first triggered time, multiple flag)
//   units    — ⋈ assignments: the ITT population with its arm
//   y_m, x_m — per-unit metric values (ITT and triggered versions), only for units that have some
//   per_unit — units LEFT JOIN y_m LEFT JOIN x_m, missing values = 0
//   final    — GROUP BY arm: n, Σy, Σy², Σx, Σx², Σxy for ITT and for the triggered subset
// Parameters: $1 experiment_key, $2 window from, $3 window to, then the metric parameters.
// ---------------------------------------------------------------------------------------------------

type XSource =
  | { readonly kind: 'none' }
  | { readonly kind: 'metric'; readonly metric: MetricDefinition }
  | { readonly kind: 'covariate'; readonly name: string };

interface Built {
  readonly text: string;
  readonly values: unknown[];
}

/** SQL of a per-unit metric CTE with columns (unit_id, v_itt, v_trig). */
function metricCte(name: string, metric: MetricDefinition, values: unknown[]): string {
  switch (metric.source) {
    case 'exposures':
      return `${name} AS (
  SELECT m.unit_id,
         count(DISTINCT coalesce(m.request_id, m.exposure_id))::float8 AS v_itt,
         (count(DISTINCT coalesce(m.request_id, m.exposure_id))
            FILTER (WHERE m.exposed_at >= u.first_triggered_at))::float8 AS v_trig
  FROM experiments.exposures m
  JOIN units u ON u.unit_id = m.unit_id
  WHERE m.experiment_key = $1 AND m.exposed_at >= $2 AND m.exposed_at < $3
  GROUP BY m.unit_id
)`;
    case 'outcomes': {
      values.push([...metric.eventTypes]);
      const p = `$${values.length}`;
      const trig = 'a.occurred_at >= u.first_triggered_at';
      const aggregates: Record<MetricAggregate, [string, string]> = {
        count: ['count(*)::float8', `(count(*) FILTER (WHERE ${trig}))::float8`],
        sum: ['sum(a.value)', `coalesce(sum(a.value) FILTER (WHERE ${trig}), 0)`],
        any: ['1::float8', `CASE WHEN bool_or(${trig}) THEN 1 ELSE 0 END::float8`],
      };
      const [itt, triggered] = aggregates[metric.aggregate];
      return `${name} AS (
  SELECT a.unit_id, ${itt} AS v_itt, ${triggered} AS v_trig
  FROM experiments.attributions a
  JOIN units u ON u.unit_id = a.unit_id
  WHERE a.experiment_key = $1 AND a.event_type = ANY(${p}::text[])
    AND a.exposed_at >= $2 AND a.exposed_at < $3
  GROUP BY a.unit_id
)`;
    }
    case 'serving':
      // Per distinct request first (max over its rows), then per unit.
      return `${name} AS (
  SELECT r.unit_id, coalesce(sum(r.v), 0)::float8 AS v_itt,
         coalesce(sum(r.v) FILTER (WHERE r.trig), 0)::float8 AS v_trig
  FROM (
    SELECT m.unit_id, max(${servingSignalSql(metric.signal)}) AS v,
           bool_or(m.exposed_at >= u.first_triggered_at) AS trig
    FROM experiments.exposures m
    JOIN units u ON u.unit_id = m.unit_id
    WHERE m.experiment_key = $1 AND m.exposed_at >= $2 AND m.exposed_at < $3
    GROUP BY m.unit_id, coalesce(m.request_id, m.exposure_id)
  ) r
  GROUP BY r.unit_id
)`;
    default: {
      const never: never = metric;
      throw new RangeError(`unknown metric ${JSON.stringify(never)}`);
    }
  }
}

function buildUnitMoments(scope: AnalysisScope, y: MetricDefinition, x: XSource): Built {
  const values: unknown[] = [scope.experimentKey, ...windowParams(scope.window)];
  const firstExposure = (scope.armSource ?? 'assignment') === 'first-exposure';
  const exclude = (scope.multipleExposures ?? 'keep') === 'exclude';
  const ctes: string[] = [
    `exposed AS (
  SELECT e.unit_id,
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
)`,
    `units AS (
  SELECT e.unit_id, ${firstExposure ? 'e.first_variant' : 'g.variant'} AS arm, e.first_triggered_at,
         ${exclude ? 'e.multiple' : 'false'} AS excluded
  FROM exposed e
  JOIN experiments.assignments g ON g.experiment_key = $1 AND g.unit_id = e.unit_id
)`,
    metricCte('y_m', y, values),
  ];
  let xJoin = '';
  let xItt = '0::float8';
  let xTrig = '0::float8';
  switch (x.kind) {
    case 'none':
      break;
    case 'metric':
      ctes.push(metricCte('x_m', x.metric, values));
      break;
    case 'covariate':
      values.push(x.name);
      ctes.push(`x_m AS (
  SELECT c.unit_id, c.value AS v_itt, c.value AS v_trig
  FROM experiments.pre_period_covariates c
  WHERE c.experiment_key = $1 AND c.metric = $${values.length}
)`);
      break;
    default: {
      const never: never = x;
      throw new RangeError(`unknown x source ${JSON.stringify(never)}`);
    }
  }
  if (x.kind !== 'none') {
    xJoin = 'LEFT JOIN x_m ON x_m.unit_id = u.unit_id';
    xItt = 'coalesce(x_m.v_itt, 0)';
    xTrig = 'coalesce(x_m.v_trig, 0)';
  }
  ctes.push(`per_unit AS (
  SELECT u.arm, u.excluded, u.first_triggered_at IS NOT NULL AS is_triggered,
         coalesce(y_m.v_itt, 0) AS y_itt, coalesce(y_m.v_trig, 0) AS y_trig,
         ${xItt} AS x_itt, ${xTrig} AS x_trig
  FROM units u
  LEFT JOIN y_m ON y_m.unit_id = u.unit_id
  ${xJoin}
)`);
  const sums = (prefix: string, suffix: string, filter: string): string =>
    [
      `(count(*) FILTER (WHERE ${filter}))::float8 AS ${prefix}_n`,
      `coalesce(sum(y_${suffix}) FILTER (WHERE ${filter}), 0) AS ${prefix}_sy`,
      `coalesce(sum(y_${suffix} * y_${suffix}) FILTER (WHERE ${filter}), 0) AS ${prefix}_syy`,
      `coalesce(sum(x_${suffix}) FILTER (WHERE ${filter}), 0) AS ${prefix}_sx`,
      `coalesce(sum(x_${suffix} * x_${suffix}) FILTER (WHERE ${filter}), 0) AS ${prefix}_sxx`,
      `coalesce(sum(x_${suffix} * y_${suffix}) FILTER (WHERE ${filter}), 0) AS ${prefix}_sxy`,
    ].join(',\n       ');
  const text = `WITH ${ctes.join(',\n')}
SELECT arm,
       (count(*) FILTER (WHERE excluded))::float8 AS excluded_n,
       ${sums('itt', 'itt', 'NOT excluded')},
       ${sums('trig', 'trig', 'NOT excluded AND is_triggered')}
FROM per_unit
GROUP BY arm`;
  return { text, values };
}

interface UnitMomentsRow {
  readonly arm: string;
  readonly [column: string]: unknown;
}

function bivariate(row: UnitMomentsRow | undefined, prefix: 'itt' | 'trig'): BivariateMoments {
  if (row === undefined) {
    return { n: 0, sumY: 0, sumYSq: 0, sumX: 0, sumXSq: 0, sumXY: 0 };
  }
  return {
    n: num(row[`${prefix}_n`]),
    sumY: num(row[`${prefix}_sy`]),
    sumYSq: num(row[`${prefix}_syy`]),
    sumX: num(row[`${prefix}_sx`]),
    sumXSq: num(row[`${prefix}_sxx`]),
    sumXY: num(row[`${prefix}_sxy`]),
  };
}

/** Maps bivariate moments to the univariate moments of y (experiments-stats `UnivariateMoments`). */
export function univariateOf(m: BivariateMoments): UnivariateMoments {
  return { n: m.n, sum: m.sumY, sumSq: m.sumYSq };
}

function unlistedCounts<R>(
  rows: readonly R[],
  variant: (r: R) => string,
  n: (r: R) => number,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of rows) {
    out[variant(r)] = (out[variant(r)] ?? 0) + n(r);
  }
  return out;
}

export interface ExperimentAnalysisOptions {
  /**
   * Run the moments, funnel and multiple-exposure statements with nested-loop joins and JIT disabled
   * (see `guardedQuery`). Default true.
   */
  readonly planGuard?: boolean;
}

export class ExperimentAnalysis {
  private readonly guard: boolean;

  constructor(
    private readonly pool: Pool,
    options: ExperimentAnalysisOptions = {},
  ) {
    this.guard = options.planGuard ?? true;
  }

  private async unitMoments(
    scope: AnalysisScope,
    y: MetricDefinition,
    x: XSource,
  ): Promise<MomentsResult<BivariateMoments>> {
    validateScope(scope);
    validateMetric(y, 'metric');
    if (x.kind === 'metric') {
      validateMetric(x.metric, 'denominator');
    }
    if (x.kind === 'covariate' && (typeof x.name !== 'string' || x.name.length === 0)) {
      throw new RangeError('covariate must be a non-empty metric name');
    }
    const { text, values } = buildUnitMoments(scope, y, x);
    const { rows } = await guardedQuery<UnitMomentsRow>(this.pool, this.guard, text, values);
    const { byArm, unlistedRows } = align(scope.arms, rows, (r) => r.arm);
    return {
      experimentKey: scope.experimentKey,
      arms: [...scope.arms],
      window: resolved(scope.window),
      itt: byArm.map((r) => bivariate(r, 'itt')),
      triggered: byArm.map((r) => bivariate(r, 'trig')),
      excluded: byArm.map((r) => (r === undefined ? 0 : num(r['excluded_n']))),
      unlisted: unlistedCounts(
        unlistedRows,
        (r) => r.arm,
        (r) => num(r['itt_n']),
      ),
    };
  }

  /** Per-arm (n, Σy, Σy²) of a unit-level metric, ITT and triggered side by side (`welchTest` input). */
  async metricMoments(
    scope: AnalysisScope,
    metric: MetricDefinition,
  ): Promise<MomentsResult<UnivariateMoments>> {
    const m = await this.unitMoments(scope, metric, { kind: 'none' });
    return { ...m, itt: m.itt.map(univariateOf), triggered: m.triggered.map(univariateOf) };
  }

  /**
   * Ratio metric Σnumerator/Σdenominator with the user as the unit: per arm, y = numerator per unit,
   * x = denominator per unit, plus Σxy (`ratioTest` input: y = numerator, x = denominator).
   */
  async ratioMoments(
    scope: AnalysisScope,
    numerator: MetricDefinition,
    denominator: MetricDefinition,
  ): Promise<MomentsResult<BivariateMoments>> {
    return this.unitMoments(scope, numerator, { kind: 'metric', metric: denominator });
  }

  /**
   * CUPED: y = the in-experiment metric, x = the unit's pre-period covariate `covariate` from
   * `pre_period_covariates` (0 when the unit has none) — `cupedTest` input.
   */
  async cupedMoments(
    scope: AnalysisScope,
    metric: MetricDefinition,
    covariate: string,
  ): Promise<MomentsResult<BivariateMoments>> {
    return this.unitMoments(scope, metric, { kind: 'covariate', name: covariate });
  }

  /** Assignments per arm (assigned_at in the window): `srmTest(counts, weights)`. */
  async assignmentCounts(scope: AnalysisScope): Promise<ArmCounts> {
    validateScope(scope);
    const { rows } = await this.pool.query<{ variant: string; n: unknown }>(
      `SELECT variant, count(*)::float8 AS n
       FROM experiments.assignments
       WHERE experiment_key = $1 AND assigned_at >= $2 AND assigned_at < $3
       GROUP BY variant`,
      [scope.experimentKey, ...windowParams(scope.window)],
    );
    return this.armCounts(scope, rows);
  }

  /**
   * Units whose FIRST exposure (over all time) falls in the window, by that exposure's variant — the
   * new units of the period. `srmTest(counts, weights)`.
   */
  async firstExposureCounts(scope: AnalysisScope): Promise<ArmCounts> {
    validateScope(scope);
    const { rows } = await this.pool.query<{ variant: string; n: unknown }>(
      `SELECT variant, count(*)::float8 AS n
       FROM experiments.first_exposures
       WHERE experiment_key = $1 AND exposed_at >= $2 AND exposed_at < $3
       GROUP BY variant`,
      [scope.experimentKey, ...windowParams(scope.window)],
    );
    return this.armCounts(scope, rows);
  }

  /** First exposures per UTC day and arm (`srmByDay(days, weights)`). */
  async firstExposuresByDay(scope: AnalysisScope): Promise<DailyArmCounts> {
    validateScope(scope);
    const { rows } = await this.pool.query<{ day: string; variant: string; n: unknown }>(
      `SELECT to_char(exposed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, variant, count(*)::float8 AS n
       FROM experiments.first_exposures
       WHERE experiment_key = $1 AND exposed_at >= $2 AND exposed_at < $3
       GROUP BY 1, 2
       ORDER BY 1`,
      [scope.experimentKey, ...windowParams(scope.window)],
    );
    const index = new Map(scope.arms.map((a, i) => [a, i]));
    const days: { day: string; observed: number[] }[] = [];
    const unlisted: Record<string, number> = {};
    for (const row of rows) {
      let day = days[days.length - 1];
      if (day?.day !== row.day) {
        day = { day: row.day, observed: scope.arms.map(() => 0) };
        days.push(day);
      }
      const i = index.get(row.variant);
      if (i === undefined) {
        unlisted[row.variant] = (unlisted[row.variant] ?? 0) + num(row.n);
      } else {
        day.observed[i] = num(row.n);
      }
    }
    return { arms: [...scope.arms], window: resolved(scope.window), days, unlisted };
  }

  /**
   * The assignment → exposure funnel per assigned arm, for units assigned in the window:
   * `srmFunnel(assigned, exposed)` (trigger/exposure bias), plus exposures without any assignment.
   */
  async exposureFunnel(scope: AnalysisScope): Promise<FunnelCounts> {
    validateScope(scope);
    const { rows } = await guardedQuery<{
      variant: string | null;
      assigned: unknown;
      exposed: unknown;
      triggered: unknown;
      unassigned: unknown;
    }>(
      this.pool,
      this.guard,
      `WITH ex AS (
         SELECT unit_id, bool_or(triggered) AS triggered
         FROM experiments.exposures
         WHERE experiment_key = $1 AND exposed_at >= $2 AND exposed_at < $3
         GROUP BY unit_id
       ),
       asg AS (
         SELECT unit_id, variant, assigned_at >= $2 AND assigned_at < $3 AS in_window
         FROM experiments.assignments
         WHERE experiment_key = $1
       )
       SELECT asg.variant,
              (count(*) FILTER (WHERE asg.in_window))::float8 AS assigned,
              (count(*) FILTER (WHERE asg.in_window AND ex.unit_id IS NOT NULL))::float8 AS exposed,
              (count(*) FILTER (WHERE asg.in_window AND ex.triggered))::float8 AS triggered,
              (count(*) FILTER (WHERE asg.unit_id IS NULL))::float8 AS unassigned
       FROM asg
       FULL JOIN ex ON ex.unit_id = asg.unit_id
       GROUP BY asg.variant`,
      [scope.experimentKey, ...windowParams(scope.window)],
    );
    const exposedWithoutAssignment = rows.reduce((acc, r) => acc + num(r.unassigned), 0);
    const assignedRows = rows.filter(
      (r): r is typeof r & { variant: string } => r.variant !== null && num(r.assigned) > 0,
    );
    const { byArm, unlistedRows } = align(scope.arms, assignedRows, (r) => r.variant);
    return {
      arms: [...scope.arms],
      window: resolved(scope.window),
      assigned: byArm.map((r) => (r === undefined ? 0 : num(r.assigned))),
      exposed: byArm.map((r) => (r === undefined ? 0 : num(r.exposed))),
      triggered: byArm.map((r) => (r === undefined ? 0 : num(r.triggered))),
      exposedWithoutAssignment,
      unlisted: unlistedCounts(
        unlistedRows,
        (r) => r.variant,
        (r) => num(r.assigned),
      ),
    };
  }

  /** Multiple-exposure (crossover) counts in the window (`checkMultipleExposure` input). */
  async multipleExposures(scope: AnalysisScope): Promise<MultipleExposureCounts> {
    validateScope(scope);
    const { rows } = await guardedQuery<{
      variant: string | null;
      exposed: unknown;
      multiple: unknown;
      mismatch: unknown;
    }>(
      this.pool,
      this.guard,
      `WITH ex AS (
         SELECT unit_id, min(variant) AS v_min, max(variant) AS v_max
         FROM experiments.exposures
         WHERE experiment_key = $1 AND exposed_at >= $2 AND exposed_at < $3
         GROUP BY unit_id
       )
       SELECT g.variant,
              count(*)::float8 AS exposed,
              (count(*) FILTER (WHERE ex.v_min <> ex.v_max))::float8 AS multiple,
              (count(*) FILTER (WHERE ex.v_min <> g.variant OR ex.v_max <> g.variant))::float8 AS mismatch
       FROM ex
       LEFT JOIN experiments.assignments g ON g.experiment_key = $1 AND g.unit_id = ex.unit_id
       GROUP BY g.variant`,
      [scope.experimentKey, ...windowParams(scope.window)],
    );
    const index = new Map(scope.arms.map((a, i) => [a, i]));
    const multipleByArm = scope.arms.map(() => 0);
    let unitsExposed = 0;
    let unitsMultipleExposed = 0;
    let unitsVariantMismatch = 0;
    let unitsWithoutAssignment = 0;
    for (const r of rows) {
      unitsExposed += num(r.exposed);
      unitsMultipleExposed += num(r.multiple);
      if (r.variant === null) {
        unitsWithoutAssignment += num(r.exposed);
        continue;
      }
      unitsVariantMismatch += num(r.mismatch);
      const i = index.get(r.variant);
      if (i !== undefined) {
        multipleByArm[i] = num(r.multiple);
      }
    }
    return {
      window: resolved(scope.window),
      unitsExposed,
      unitsMultipleExposed,
      unitsVariantMismatch,
      unitsWithoutAssignment,
      multipleByArm,
    };
  }

  /** The kills of the experiment, oldest first. */
  async kills(experimentKey: string): Promise<KillRow[]> {
    const { rows } = await this.pool.query<{
      kill_id: string;
      experiment_key: string;
      variant: string | null;
      reason: string;
      actor: string;
      automatic: boolean;
      created_at: Date;
    }>(
      `SELECT kill_id, experiment_key, variant, reason, actor, automatic, created_at
       FROM experiments.kills WHERE experiment_key = $1 ORDER BY created_at, kill_id COLLATE "C"`,
      [experimentKey],
    );
    return rows.map((r) => ({
      killId: r.kill_id,
      experimentKey: r.experiment_key,
      variant: r.variant,
      reason: r.reason,
      actor: r.actor,
      automatic: r.automatic,
      createdAt: r.created_at,
    }));
  }

  /**
   * Per-arm quantile of a numeric serving signal over the requests of the ITT and triggered units
   * (two statements). Interval: distribution-free order statistics at the fractions q ∓ z·σ_F, where
   * σ_F is the standard error of the empirical CDF at the sample quantile, F̂ = Σc/Σm over units
   * (c = a unit's requests ≤ the quantile, m = its requests), by the delta method with the unit as the
   * cluster (`ratioArmEstimate`; Deng, Knoblich & Lu 2018 §4.3). With one request per unit it is the
   * binomial √(q(1−q)/n); with several it accounts for the correlation of one unit's requests.
   * Arm = the assigned variant; `multipleExposures: 'exclude'` and `armSource` are not supported.
   */
  async servingQuantile(
    scope: AnalysisScope,
    metric: QuantileMetric,
    options: { readonly alpha?: number } = {},
  ): Promise<QuantileResult> {
    validateScope(scope);
    assertAssignmentKeep(scope, 'servingQuantile');
    if (metric.signal !== 'latency_ms' && metric.signal !== 'items_returned') {
      throw new RangeError('servingQuantile: signal must be latency_ms or items_returned');
    }
    if (!(metric.quantile > 0 && metric.quantile < 1)) {
      throw new RangeError('servingQuantile: quantile must be in (0, 1)');
    }
    const alpha = options.alpha ?? 0.05;
    if (!(alpha > 0 && alpha < 1)) {
      throw new RangeError('servingQuantile: alpha must be in (0, 1)');
    }
    const estimate = quantileEstimateSql(scope.experimentKey, scope.window, metric.signal, metric.quantile);
    const { rows } = await guardedQuery<UnitMomentsRow>(
      this.pool,
      this.guard,
      estimate.text,
      estimate.values,
    );
    const z = normalQuantile(1 - alpha / 2);
    const partial = (row: UnitMomentsRow | undefined, p: 'itt' | 'trig'): QuantileArm => {
      const n = row === undefined ? 0 : num(row[`${p}_n`]);
      const indicator: BivariateMoments =
        row === undefined
          ? { n: 0, sumY: 0, sumYSq: 0, sumX: 0, sumXSq: 0, sumXY: 0 }
          : {
              n: num(row[`${p}_units`]),
              sumY: num(row[`${p}_sy`]),
              sumYSq: num(row[`${p}_syy`]),
              sumX: num(row[`${p}_sx`]),
              sumXSq: num(row[`${p}_sxx`]),
              sumXY: num(row[`${p}_sxy`]),
            };
      const value = row?.[`${p}_q`];
      const cdfSe =
        indicator.n >= 2 && indicator.sumX > 0 ? Math.sqrt(ratioArmEstimate(indicator).ratioVariance) : null;
      const lo = cdfSe === null ? null : metric.quantile - z * cdfSe;
      const hi = cdfSe === null ? null : metric.quantile + z * cdfSe;
      return {
        n,
        units: indicator.n,
        estimate: n > 0 && value !== null && value !== undefined ? num(value) : null,
        indicator,
        cdfSe,
        fractions: lo === null || hi === null ? null : [Math.max(0, lo), Math.min(1, hi)],
        lower: null,
        upper: null,
        bounded: lo !== null && hi !== null && lo >= 0 && hi <= 1,
      };
    };
    const { byArm, unlistedRows } = align(scope.arms, rows, (r) => r.arm);
    const itt = byArm.map((r) => partial(r, 'itt'));
    const triggered = byArm.map((r) => partial(r, 'trig'));
    const fractions: BoundFractions[] = scope.arms.map((arm, i) => ({
      arm,
      itt: itt[i]?.fractions ?? [metric.quantile, metric.quantile],
      triggered: triggered[i]?.fractions ?? [metric.quantile, metric.quantile],
    }));
    const bounds = quantileBoundsSql(scope.experimentKey, scope.window, metric.signal, fractions);
    const { rows: boundRows } = await guardedQuery<{ arm: string; itt_b: unknown; trig_b: unknown }>(
      this.pool,
      this.guard,
      bounds.text,
      bounds.values,
    );
    const boundsByArm = align(scope.arms, boundRows, (r) => r.arm).byArm;
    const withBounds = (arm: QuantileArm, b: unknown): QuantileArm => {
      if (arm.fractions === null || !Array.isArray(b) || b.length !== 2) {
        return arm;
      }
      return { ...arm, lower: num(b[0]), upper: num(b[1]) };
    };
    return {
      experimentKey: scope.experimentKey,
      arms: [...scope.arms],
      window: resolved(scope.window),
      signal: metric.signal,
      quantile: metric.quantile,
      alpha,
      itt: itt.map((a, i) => withBounds(a, boundsByArm[i]?.itt_b)),
      triggered: triggered.map((a, i) => withBounds(a, boundsByArm[i]?.trig_b)),
      unlisted: unlistedCounts(
        unlistedRows,
        (r) => r.arm,
        (r) => num(r['itt_n']),
      ),
    };
  }

  /**
   * Several metrics (and ratios) at once, in ONE statement that scans the window's exposures and
   * attributions once for all of them (see `multi-sql.ts`): element k equals `ratioMoments(scope,
   * pairs[k].y, pairs[k].x)` (x = 0 when null, i.e. `metricMoments` in bivariate form).
   */
  async multiMetricMoments(
    scope: AnalysisScope,
    pairs: readonly MetricPair[],
  ): Promise<MomentsResult<BivariateMoments>[]> {
    validateScope(scope);
    validatePairs(pairs);
    const { text, values } = multiMomentsSql(scope, pairs);
    const { rows } = await guardedQuery<UnitMomentsRow>(this.pool, this.guard, text, values);
    const { byArm, unlistedRows } = align(scope.arms, rows, (r) => r.arm);
    const unlisted = unlistedCounts(
      unlistedRows,
      (r) => r.arm,
      (r) => num(r['itt_n']),
    );
    return pairs.map((_pair, k) => ({
      experimentKey: scope.experimentKey,
      arms: [...scope.arms],
      window: resolved(scope.window),
      itt: byArm.map((r) => pairMoments(r, k, 'itt')),
      triggered: byArm.map((r) => pairMoments(r, k, 'trig')),
      excluded: byArm.map((r) => (r === undefined ? 0 : num(r['excluded_n']))),
      unlisted,
    }));
  }

  /**
   * Per-arm moments of `y` (and `x`, for a ratio; else x = 0) cumulated from the window start to the
   * end of each UTC day, ITT and triggered, in ONE statement (see `cumulativeMultiSql`). Additive
   * metrics only (`count`, `sum`, requests, serving); arm = the assigned variant, multiples kept.
   */
  async cumulativeMoments(
    scope: AnalysisScope,
    y: MetricDefinition,
    x: MetricDefinition | null = null,
  ): Promise<CumulativeMomentsResult> {
    const [result] = await this.cumulativeMultiMoments(scope, [{ y, x }]);
    if (result === undefined) {
      throw new Error('cumulativeMoments: no result');
    }
    return result;
  }

  /** `cumulativeMoments` of several pairs in one statement; aligned with `pairs`. */
  async cumulativeMultiMoments(
    scope: AnalysisScope,
    pairs: readonly MetricPair[],
  ): Promise<CumulativeMomentsResult[]> {
    validateScope(scope);
    assertAssignmentKeep(scope, 'cumulativeMoments');
    validatePairs(pairs);
    const { text, values } = cumulativeMultiSql(scope.experimentKey, scope.window, pairs);
    const { rows } = await guardedQuery<UnitMomentsRow & { day: string }>(
      this.pool,
      this.guard,
      text,
      values,
    );
    const index = new Map(scope.arms.map((a, i) => [a, i]));
    const days: string[] = [];
    for (const row of rows) {
      if (days[days.length - 1] !== row.day) {
        days.push(row.day);
      }
    }
    const unlisted: Record<string, number> = {};
    for (const row of rows) {
      if (!index.has(row.arm)) {
        unlisted[row.arm] = (unlisted[row.arm] ?? 0) + num(row['itt_n']);
      }
    }
    const zero = (): BivariateMoments => ({ n: 0, sumY: 0, sumYSq: 0, sumX: 0, sumXSq: 0, sumXY: 0 });
    return pairs.map((_pair, k) => {
      const run = (p: 'itt' | 'trig'): BivariateMoments[][] => {
        let running = scope.arms.map(zero);
        const out: BivariateMoments[][] = [];
        let r = 0;
        for (const day of days) {
          for (; r < rows.length && rows[r]!.day === day; r += 1) {
            const row = rows[r]!;
            const i = index.get(row.arm);
            if (i !== undefined) {
              const d = pairMoments(row, k, p);
              running = running.map((m, a) => (a === i ? addMoments(m, d) : m));
            }
          }
          out.push(running);
        }
        return out;
      };
      return {
        experimentKey: scope.experimentKey,
        arms: [...scope.arms],
        window: resolved(scope.window),
        days: [...days],
        itt: run('itt'),
        triggered: run('trig'),
        unlisted,
      };
    });
  }

  /** Names of the pre-period covariates stored for the experiment (CUPED candidates), sorted. */
  async covariateNames(experimentKey: string): Promise<string[]> {
    const { rows } = await this.pool.query<{ metric: string }>(
      `SELECT metric FROM experiments.pre_period_covariates WHERE experiment_key = $1
       GROUP BY metric ORDER BY metric COLLATE "C"`,
      [experimentKey],
    );
    return rows.map((r) => r.metric);
  }

  /** First and last exposure time in the window, and the number of exposure rows. */
  async exposureSpan(scope: Pick<AnalysisScope, 'experimentKey' | 'window'>): Promise<ExposureSpan> {
    validateTimeWindow(scope.window);
    const { rows } = await this.pool.query<{ first: Date | null; last: Date | null; n: unknown }>(
      `SELECT min(exposed_at) AS first, max(exposed_at) AS last, count(*)::float8 AS n
       FROM experiments.exposures
       WHERE experiment_key = $1 AND exposed_at >= $2 AND exposed_at < $3`,
      [scope.experimentKey, ...windowParams(scope.window)],
    );
    const row = rows[0];
    return {
      first: row?.first ?? null,
      last: row?.last ?? null,
      exposures: row === undefined ? 0 : num(row.n),
    };
  }

  /** The scope's window split at the experiment's kills (see `splitAtKills`). */
  async periods(scope: Pick<AnalysisScope, 'experimentKey' | 'window'>): Promise<AnalysisPeriod[]> {
    validateTimeWindow(scope.window);
    return splitAtKills(scope.window ?? {}, await this.kills(scope.experimentKey));
  }

  /** Runs `query` once per period (before/after each kill) with the scope's window replaced. */
  async byPeriod<T>(
    scope: AnalysisScope,
    query: (scope: AnalysisScope) => Promise<T>,
  ): Promise<PeriodResult<T>[]> {
    const periods = await this.periods(scope);
    const out: PeriodResult<T>[] = [];
    for (const period of periods) {
      const window: TimeWindow = {
        ...(period.from === undefined ? {} : { from: period.from }),
        ...(period.to === undefined ? {} : { to: period.to }),
      };
      out.push({ period, result: await query({ ...scope, window }) });
    }
    return out;
  }

  private armCounts(scope: AnalysisScope, rows: readonly { variant: string; n: unknown }[]): ArmCounts {
    const { byArm, unlistedRows } = align(scope.arms, rows, (r) => r.variant);
    return {
      arms: [...scope.arms],
      window: resolved(scope.window),
      counts: byArm.map((r) => (r === undefined ? 0 : num(r.n))),
      unlisted: unlistedCounts(
        unlistedRows,
        (r) => r.variant,
        (r) => num(r.n),
      ),
    };
  }
}

/** The SQL text and parameters of a moments query, for EXPLAIN and the benchmark. */
export function unitMomentsSql(
  scope: AnalysisScope,
  metric: MetricDefinition,
  x: { readonly denominator: MetricDefinition } | { readonly covariate: string } | null = null,
): { text: string; values: unknown[] } {
  const source: XSource =
    x === null
      ? { kind: 'none' }
      : 'denominator' in x
        ? { kind: 'metric', metric: x.denominator }
        : { kind: 'covariate', name: x.covariate };
  return buildUnitMoments(scope, metric, source);
}
