/**
 * A synthetic experiment shaped like `experiments/recent-engaged-authors-source.yaml`, for the
 * integration test, the screenshot and the benchmark: experiments-store's deterministic generator with
 * a planted effect on triggered requests (more engagement, fewer short feeds, slightly slower), a
 * treatment kill part-way through (the treatment's exposures stop there), and pre-period covariates;
 * loaded with COPY (fresh tables only: COPY is not idempotent).
 */
import { performance } from 'node:perf_hooks';
import {
  ASSIGNMENT_COLUMNS,
  assignmentLine,
  copyLines,
  COVARIATE_COLUMNS,
  covariateLine,
  EXPOSURE_SERVING_COLUMNS,
  exposureServingLine,
  ExperimentStore,
  OUTCOME_COLUMNS,
  outcomeLine,
  syntheticConfig,
  syntheticUnit,
  syntheticUnitCount,
  type KillRow,
  type SyntheticConfig,
  type SyntheticUnit,
} from '@foryou/experiments-store';
import type { Pool } from 'pg';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export interface SyntheticExperimentOptions {
  /** Must be the definition's key. */
  readonly experimentKey: string;
  readonly units: number;
  readonly seed?: number;
  /** Default 14. */
  readonly days?: number;
  /** Kill of the treatment after this fraction of the days (null: no kill). Default 0.6. */
  readonly killAfter?: number | null;
  /** Outcome-rate multiplier of triggered treatment requests. Default 1.12. */
  readonly lift?: number;
  /** Latency multiplier of triggered treatment requests. Default 1.03. */
  readonly latencyFactor?: number;
  /** Short-feed probability multiplier of triggered treatment requests. Default 0.6. */
  readonly shortFeedFactor?: number;
  /** Attribution window the data is shaped around (the definition's). Default 24 h. */
  readonly attributionWindowHours?: number;
}

export function syntheticExperimentConfig(options: SyntheticExperimentOptions): SyntheticConfig {
  const days = options.days ?? 14;
  const start = new Date('2026-03-02T00:00:00.000Z');
  const killAfter = options.killAfter === undefined ? 0.6 : options.killAfter;
  const killedAt =
    killAfter === null ? undefined : new Date(start.getTime() + Math.round(killAfter * days * DAY_MS));
  return syntheticConfig({
    seed: options.seed ?? 20_260_302,
    experimentKey: options.experimentKey,
    layer: 'candidate-sources',
    units: options.units,
    start,
    days,
    attributionWindowMs: (options.attributionWindowHours ?? 24) * HOUR_MS,
    arms: [
      { name: 'control', weight: 1 },
      {
        name: 'treatment',
        weight: 1,
        lift: options.lift ?? 1.12,
        latencyFactor: options.latencyFactor ?? 1.03,
        shortFeedFactor: options.shortFeedFactor ?? 0.6,
        ...(killedAt === undefined ? {} : { killedAt }),
      },
    ],
  });
}

/** The kill record matching the config's killed arm(s). */
export function syntheticKills(config: SyntheticConfig): KillRow[] {
  return config.arms.flatMap((arm) =>
    arm.killedAt === undefined
      ? []
      : [
          {
            killId: `kill-${config.experimentKey}-${arm.name}`,
            experimentKey: config.experimentKey,
            variant: arm.name,
            reason: 'guardrail hide_report_rate critical',
            actor: 'guardrail-monitor',
            automatic: true,
            createdAt: arm.killedAt,
          },
        ],
  );
}

/** Assigned units giving about `exposures` exposure rows (measured on a deterministic sample). */
export function unitsForExposures(config: SyntheticConfig, exposures: number): number {
  const sample = 20_000;
  const probe: SyntheticConfig = { ...config, units: sample, orphanUnits: 0 };
  let rows = 0;
  for (let i = 0; i < sample; i += 1) {
    rows += syntheticUnit(probe, i).exposures.length;
  }
  return Math.max(1, Math.round((exposures * sample) / Math.max(1, rows)));
}

function* lines(config: SyntheticConfig, pick: (unit: SyntheticUnit) => string[]): Generator<string> {
  const total = syntheticUnitCount(config);
  for (let i = 0; i < total; i += 1) {
    yield* pick(syntheticUnit(config, i));
  }
}

export interface LoadedTable {
  readonly table: string;
  readonly rows: number;
  readonly ms: number;
}

/**
 * Streams the dataset into the (migrated, empty) tables with COPY, records the kills, and runs ANALYZE.
 * Returns the rows and time per table.
 */
export async function loadSyntheticExperiment(pool: Pool, config: SyntheticConfig): Promise<LoadedTable[]> {
  const tables: [string, readonly string[], (u: SyntheticUnit) => string[]][] = [
    [
      'experiments.assignments',
      ASSIGNMENT_COLUMNS,
      (u) => (u.assignment === null ? [] : [assignmentLine(u.assignment)]),
    ],
    ['experiments.exposures', EXPOSURE_SERVING_COLUMNS, (u) => u.exposures.map(exposureServingLine)],
    ['experiments.outcomes', OUTCOME_COLUMNS, (u) => u.outcomes.map(outcomeLine)],
    [
      'experiments.pre_period_covariates',
      COVARIATE_COLUMNS,
      (u) => (u.covariate === null ? [] : [covariateLine(u.covariate)]),
    ],
  ];
  const loaded: LoadedTable[] = [];
  const client = await pool.connect();
  try {
    for (const [table, columns, pick] of tables) {
      const start = performance.now();
      const rows = await copyLines(client, table, columns, lines(config, pick));
      loaded.push({ table, rows, ms: performance.now() - start });
    }
    const start = performance.now();
    await client.query('ANALYZE');
    loaded.push({ table: 'ANALYZE', rows: 0, ms: performance.now() - start });
  } finally {
    client.release();
  }
  const store = new ExperimentStore(pool);
  for (const kill of syntheticKills(config)) {
    await store.recordKill(kill);
  }
  return loaded;
}
