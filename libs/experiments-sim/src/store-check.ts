/**
 * The SQL path of one simulated run: its assignments, exposures and outcomes are written with
 * `ExperimentStore` into a PostgreSQL database, outcomes are attributed with `attributeOutcomes`
 * (the definition's attribution window), and `ExperimentAnalysis` computes the per-arm moments and
 * assignment counts in SQL. The same test is then run on the SQL moments and compared with the
 * in-memory run: every moment and count must agree to `tolerance` (default 1e-9, relative to
 * max(1, |value|)) and the p-values to `tolerance` relative. Agreement proves that the in-memory
 * simulation and the production analysis path compute the same statistic.
 */
import { CONTROL } from '@foryou/experiments';
import {
  createScratchDatabase,
  ExperimentAnalysis,
  ExperimentStore,
  migrate,
  type AnalysisScope,
  type AttributionResult,
  type IngestResult,
  type MetricDefinition,
  type ScratchDatabaseOptions,
} from '@foryou/experiments-store';
import { srmTest, type BivariateMoments } from '@foryou/experiments-stats';
import type { Pool } from 'pg';
import { analyzeRun, compareMoments, testMethod } from './analysis';
import type { SimulatedRun } from './run';

export const DEFAULT_STORE_TOLERANCE = 1e-9;

export interface StoreCheckOptions {
  /** Attribution window (ms) passed to `attributeOutcomes`: the definition's `attribution_window_hours`. */
  readonly attributionWindowMs: number;
  /** Default 0.05. */
  readonly alpha?: number;
  /** Default 1e-9. */
  readonly tolerance?: number;
}

export interface StoreCheckResult {
  readonly experimentKey: string;
  readonly ingested: {
    readonly assignments: IngestResult;
    readonly exposures: IngestResult;
    readonly outcomes: IngestResult;
  };
  readonly attribution: AttributionResult;
  /** Arms in definition order. */
  readonly arms: readonly string[];
  readonly memoryMoments: BivariateMoments[];
  readonly sqlMoments: BivariateMoments[];
  readonly memoryAssigned: number[];
  readonly sqlAssigned: number[];
  readonly memoryPValue: number;
  readonly sqlPValue: number;
  readonly memorySrmPValue: number;
  readonly sqlSrmPValue: number;
  /** |p_sql − p_memory| / p_memory. */
  readonly pValueRelativeError: number;
  /** Every quantity that disagreed beyond the tolerance (empty when the paths agree). */
  readonly mismatches: string[];
  readonly agrees: boolean;
}

function close(actual: number, expected: number, tolerance: number): boolean {
  return Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected));
}

function relativeError(actual: number, expected: number): number {
  if (actual === expected) {
    return 0;
  }
  return Math.abs(actual - expected) / Math.abs(expected);
}

function sqlMetrics(run: SimulatedRun): { numerator: MetricDefinition; denominator: MetricDefinition } {
  return {
    numerator: { source: 'outcomes', eventTypes: run.metric.eventTypes, aggregate: run.metric.aggregate },
    denominator: { source: 'exposures' },
  };
}

/** Per-unit moments in SQL, shaped like the run's (x ≡ 1 for a per-unit mean). */
async function momentsInSql(
  analysis: ExperimentAnalysis,
  scope: AnalysisScope,
  run: SimulatedRun,
): Promise<BivariateMoments[]> {
  const { numerator, denominator } = sqlMetrics(run);
  if (run.metric.denominator === 'exposures') {
    return (await analysis.ratioMoments(scope, numerator, denominator)).itt;
  }
  const itt = (await analysis.metricMoments(scope, numerator)).itt;
  return itt.map((m) => ({ n: m.n, sumY: m.sum, sumYSq: m.sumSq, sumX: m.n, sumXSq: m.n, sumXY: m.sum }));
}

/**
 * Writes the run (which must have been simulated with `collectEvents: true`) into `pool`'s
 * database — migrated, and without rows of this experiment — and compares both paths.
 */
export async function checkSqlPath(
  run: SimulatedRun,
  pool: Pool,
  options: StoreCheckOptions,
): Promise<StoreCheckResult> {
  if (run.events === null) {
    throw new RangeError('checkSqlPath: simulate the run with collectEvents: true');
  }
  const tolerance = options.tolerance ?? DEFAULT_STORE_TOLERANCE;
  const alpha = options.alpha ?? 0.05;
  const store = new ExperimentStore(pool);
  const ingested = {
    assignments: await store.recordAssignments(run.events.assignments),
    exposures: await store.recordExposures(run.events.exposures),
    outcomes: await store.recordOutcomes(run.events.outcomes),
  };
  const attribution = await store.attributeOutcomes(run.experimentKey, options.attributionWindowMs);

  const arms = run.arms.map((a) => a.variant);
  const scope: AnalysisScope = { experimentKey: run.experimentKey, arms };
  const analysis = new ExperimentAnalysis(pool);
  const sqlMoments = await momentsInSql(analysis, scope, run);
  const sqlAssigned = (await analysis.assignmentCounts(scope)).counts;
  const weights = run.arms.map((a) => a.weight);

  const memory = analyzeRun(run, { alpha });
  const controlIndex = arms.indexOf(CONTROL);
  const treatmentIndex = arms.indexOf(run.treatmentArm);
  const sqlComparison = compareMoments(
    testMethod(run),
    sqlMoments[controlIndex]!,
    sqlMoments[treatmentIndex]!,
    alpha,
  );
  const sqlPValue = sqlComparison.absolute.pValue;
  const sqlSrmPValue = srmTest(sqlAssigned, weights).pValue;

  const memoryMoments = run.arms.map((a) => a.moments);
  const memoryAssigned = run.arms.map((a) => a.assigned);
  const mismatches: string[] = [];
  memoryMoments.forEach((m, i) => {
    const s = sqlMoments[i];
    for (const field of ['n', 'sumY', 'sumYSq', 'sumX', 'sumXSq', 'sumXY'] as const) {
      if (s === undefined || !close(s[field], m[field], tolerance)) {
        mismatches.push(`${arms[i]}.${field}: memory ${m[field]}, sql ${String(s?.[field])}`);
      }
    }
    if (sqlAssigned[i] !== memoryAssigned[i]) {
      mismatches.push(`${arms[i]}.assigned: memory ${memoryAssigned[i]}, sql ${String(sqlAssigned[i])}`);
    }
  });
  const pValueRelativeError = relativeError(sqlPValue, memory.pValue);
  if (!(pValueRelativeError <= tolerance)) {
    mismatches.push(`pValue: memory ${memory.pValue}, sql ${sqlPValue}`);
  }
  if (!(relativeError(sqlSrmPValue, memory.srm.pValue) <= tolerance)) {
    mismatches.push(`srmPValue: memory ${memory.srm.pValue}, sql ${sqlSrmPValue}`);
  }
  return {
    experimentKey: run.experimentKey,
    ingested,
    attribution,
    arms,
    memoryMoments,
    sqlMoments,
    memoryAssigned,
    sqlAssigned,
    memoryPValue: memory.pValue,
    sqlPValue,
    memorySrmPValue: memory.srm.pValue,
    sqlSrmPValue,
    pValueRelativeError,
    mismatches,
    agrees: mismatches.length === 0,
  };
}

/**
 * {@link checkSqlPath} in a fresh scratch database (`createScratchDatabase`, migrated), dropped
 * afterwards even when the check throws.
 */
export async function checkSqlPathInScratchDatabase(
  run: SimulatedRun,
  options: StoreCheckOptions & { readonly database?: ScratchDatabaseOptions },
): Promise<StoreCheckResult> {
  const db = await createScratchDatabase({ prefix: 'exp_sim', pool: { max: 2 }, ...options.database });
  try {
    await migrate(db.pool);
    return await checkSqlPath(run, db.pool, options);
  } finally {
    await db.drop();
  }
}
