/**
 * Benchmark of the experiment report queries. A script, not a test:
 *
 *   npx tsc -b libs/experiments-store/tsconfig.build.json
 *   node libs/experiments-store/dist/bench/report-queries.js [--exposures 1000000,10000000] [--repeat 3]
 *        [--work-mem 64MB] [--keep]
 *
 * For each size: a fresh database (`exp_bench_<pid>_<hex>`), migrated; synthetic rows (deterministic,
 * src/synthetic.ts) streamed with COPY into assignments, exposures, outcomes and covariates (the
 * secondary indexes exist during the load, as in production); ANALYZE; attribution (one statement);
 * then every analysis query `--repeat` times (min and median reported). The database is dropped
 * afterwards unless --keep. The machine's load average is printed before and after, since it is
 * shared: compare figures from one run, not across runs.
 *
 * Connection: EXPERIMENTS_STORE_ADMIN_URL (default postgres://postgres@127.0.0.1:5432/postgres).
 */
import { cpus, loadavg, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { PoolClient } from 'pg';
import { ExperimentAnalysis, type AnalysisScope, type MetricDefinition } from '../analysis';
import {
  ASSIGNMENT_COLUMNS,
  assignmentLine,
  copyLines,
  COVARIATE_COLUMNS,
  covariateLine,
  EXPOSURE_COLUMNS,
  exposureLine,
  OUTCOME_COLUMNS,
  outcomeLine,
} from '../copy';
import { migrate } from '../migrate';
import { createScratchDatabase, type ScratchDatabase } from '../scratch-database';
import { ExperimentStore } from '../store';
import {
  syntheticConfig,
  syntheticUnit,
  syntheticUnitCount,
  type SyntheticConfig,
  type SyntheticUnit,
} from '../synthetic';

const HOUR = 3_600_000;

function print(line = ''): void {
  process.stdout.write(`${line}\n`);
}

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function flag(name: string): boolean {
  return process.argv.includes(`--${name}`);
}

function seconds(ms: number): string {
  return ms < 1000 ? `${ms.toFixed(0)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

function load(): string {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ');
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const result = await fn();
  return [result, performance.now() - start];
}

/** Units needed for about `exposures` exposure rows, measured on a deterministic sample. */
function unitsFor(base: SyntheticConfig, exposures: number): number {
  const sample = 20_000;
  const probe = { ...base, units: sample, orphanUnits: 0 };
  let rows = 0;
  for (let i = 0; i < sample; i += 1) {
    rows += syntheticUnit(probe, i).exposures.length;
  }
  return Math.max(1, Math.round((exposures * sample) / rows));
}

function* lines(config: SyntheticConfig, pick: (unit: SyntheticUnit) => string[]): Generator<string> {
  const total = syntheticUnitCount(config);
  for (let i = 0; i < total; i += 1) {
    yield* pick(syntheticUnit(config, i));
  }
}

async function loadTables(client: PoolClient, config: SyntheticConfig): Promise<void> {
  const tables: [string, readonly string[], (u: SyntheticUnit) => string[]][] = [
    [
      'experiments.assignments',
      ASSIGNMENT_COLUMNS,
      (u) => (u.assignment === null ? [] : [assignmentLine(u.assignment)]),
    ],
    ['experiments.exposures', EXPOSURE_COLUMNS, (u) => u.exposures.map(exposureLine)],
    ['experiments.outcomes', OUTCOME_COLUMNS, (u) => u.outcomes.map(outcomeLine)],
    [
      'experiments.pre_period_covariates',
      COVARIATE_COLUMNS,
      (u) => (u.covariate === null ? [] : [covariateLine(u.covariate)]),
    ],
  ];
  for (const [table, columns, pick] of tables) {
    const [rows, ms] = await timed(() => copyLines(client, table, columns, lines(config, pick)));
    print(
      `  COPY ${table.padEnd(34)} ${String(rows).padStart(10)} rows  ${seconds(ms).padStart(9)}  ` +
        `(${Math.round(rows / (ms / 1000)).toLocaleString('en-US')} rows/s)`,
    );
  }
}

interface Job {
  readonly name: string;
  readonly run: () => Promise<unknown>;
}

async function runSize(
  exposures: number,
  repeat: number,
  workMem: string | undefined,
  keep: boolean,
): Promise<void> {
  const base = syntheticConfig({
    seed: 20_260_302,
    experimentKey: 'exp_bench',
    days: 14,
    orphanUnits: 100,
    attributionWindowMs: 6 * HOUR,
  });
  const config: SyntheticConfig = { ...base, units: unitsFor(base, exposures) };
  print();
  print(
    `== ~${exposures.toLocaleString('en-US')} exposures: ${config.units.toLocaleString('en-US')} assigned units ==`,
  );
  print(`   load average before: ${load()}`);
  const db: ScratchDatabase = await createScratchDatabase({
    prefix: 'exp_bench',
    pool: { max: 2, ...(workMem === undefined ? {} : { options: `-c work_mem=${workMem}` }) },
  });
  try {
    await migrate(db.pool);
    const client = await db.pool.connect();
    try {
      const [, loadMs] = await timed(() => loadTables(client, config));
      print(`  load total ${seconds(loadMs)}`);
      const [, analyzeMs] = await timed(() => client.query('ANALYZE'));
      print(`  ANALYZE ${seconds(analyzeMs)}`);
    } finally {
      client.release();
    }

    const store = new ExperimentStore(db.pool);
    const [attribution, attributionMs] = await timed(() =>
      store.attributeOutcomes(config.experimentKey, config.attributionWindowMs),
    );
    print(
      `  attributeOutcomes (one INSERT ... SELECT): ${attribution.attributed.toLocaleString('en-US')} attributed ` +
        `(${attribution.byRequest.toLocaleString('en-US')} by request) in ${seconds(attributionMs)}`,
    );
    const [, analyzeAttrMs] = await timed(() => db.pool.query('ANALYZE experiments.attributions'));
    print(`  ANALYZE attributions ${seconds(analyzeAttrMs)}`);
    const killAt = new Date(config.start.getTime() + (config.days / 2) * 24 * HOUR);
    await store.recordKill({
      killId: 'bench-kill',
      experimentKey: config.experimentKey,
      variant: 'treatment',
      reason: 'bench',
      actor: 'bench',
      automatic: true,
      createdAt: killAt,
    });

    const analysis = new ExperimentAnalysis(db.pool);
    const scope: AnalysisScope = { experimentKey: config.experimentKey, arms: ['control', 'treatment'] };
    const favorites: MetricDefinition = { source: 'outcomes', eventTypes: ['favorite'], aggregate: 'count' };
    const dwell: MetricDefinition = { source: 'outcomes', eventTypes: ['dwell'], aggregate: 'sum' };
    const engagements: MetricDefinition = {
      source: 'outcomes',
      eventTypes: ['favorite', 'reply', 'repost', 'click'],
      aggregate: 'count',
    };
    const jobs: Job[] = [
      {
        name: 'metricMoments favorites (count), ITT+triggered',
        run: () => analysis.metricMoments(scope, favorites),
      },
      { name: 'metricMoments dwell (sum)', run: () => analysis.metricMoments(scope, dwell) },
      {
        name: 'metricMoments favorites, first-exposure arm, excl. multiple',
        run: () =>
          analysis.metricMoments(
            { ...scope, armSource: 'first-exposure', multipleExposures: 'exclude' },
            favorites,
          ),
      },
      {
        name: 'metricMoments favorites, window before kill',
        run: () => analysis.metricMoments({ ...scope, window: { to: killAt } }, favorites),
      },
      {
        name: 'ratioMoments engagements / distinct requests',
        run: () => analysis.ratioMoments(scope, engagements, { source: 'exposures' }),
      },
      { name: 'ratioMoments dwell / favorites', run: () => analysis.ratioMoments(scope, dwell, favorites) },
      {
        name: 'cupedMoments engagements + covariate',
        run: () => analysis.cupedMoments(scope, engagements, 'favorites_28d'),
      },
      { name: 'assignmentCounts', run: () => analysis.assignmentCounts(scope) },
      { name: 'firstExposureCounts', run: () => analysis.firstExposureCounts(scope) },
      { name: 'firstExposuresByDay', run: () => analysis.firstExposuresByDay(scope) },
      { name: 'exposureFunnel', run: () => analysis.exposureFunnel(scope) },
      { name: 'multipleExposures', run: () => analysis.multipleExposures(scope) },
      {
        name: 'byPeriod(firstExposureCounts) at the kill',
        run: () => analysis.byPeriod(scope, (s) => analysis.firstExposureCounts(s)),
      },
      {
        name: 'attributeOutcomes rerun (nothing new)',
        run: () => store.attributeOutcomes(config.experimentKey, config.attributionWindowMs),
      },
    ];
    print(`  ${'query'.padEnd(62)} ${'min'.padStart(9)} ${'median'.padStart(9)}   (${repeat} runs)`);
    for (const job of jobs) {
      const times: number[] = [];
      for (let i = 0; i < repeat; i += 1) {
        times.push((await timed(job.run))[1]);
      }
      times.sort((a, b) => a - b);
      const median = times[Math.floor(times.length / 2)] ?? Number.NaN;
      print(
        `  ${job.name.padEnd(62)} ${seconds(times[0] ?? Number.NaN).padStart(9)} ${seconds(median).padStart(9)}`,
      );
    }

    const { rows } = await db.pool.query<{ name: string; rows: string; size: string }>(
      `SELECT c.relname AS name, c.reltuples::bigint::text AS rows, pg_size_pretty(pg_total_relation_size(c.oid)) AS size
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'experiments' AND c.relkind = 'r' ORDER BY pg_total_relation_size(c.oid) DESC`,
    );
    print(
      `  sizes (with indexes): ${rows.map((r) => `${r.name} ${r.size} (${Number(r.rows).toLocaleString('en-US')} rows)`).join(', ')}`,
    );
    print(`   load average after: ${load()}`);
    if (keep) {
      print(`  kept database ${db.name}`);
    }
  } finally {
    if (!keep) {
      await db.drop();
    }
  }
}

async function main(): Promise<void> {
  const sizes = (option('exposures') ?? '1000000')
    .split(',')
    .map((s) => Number(s.replace(/_/g, '')))
    .filter((n) => Number.isSafeInteger(n) && n > 0);
  const repeat = Number(option('repeat') ?? '3');
  if (sizes.length === 0 || !Number.isSafeInteger(repeat) || repeat < 1) {
    throw new Error(
      'usage: report-queries [--exposures 1000000[,10000000]] [--repeat 3] [--work-mem 64MB] [--keep]',
    );
  }
  const workMem = option('work-mem');
  const settings = await (async () => {
    const db = await createScratchDatabase({ prefix: 'exp_bench_probe' });
    try {
      const { rows } = await db.pool.query<{ v: string }>(
        `SELECT concat_ws(', ', version(), 'work_mem=' || current_setting('work_mem'),
                'shared_buffers=' || current_setting('shared_buffers'), 'jit=' || current_setting('jit'),
                'max_parallel_workers_per_gather=' || current_setting('max_parallel_workers_per_gather')) AS v`,
      );
      return rows[0]?.v ?? '';
    } finally {
      await db.drop();
    }
  })();
  print(`experiments-store report-query benchmark`);
  print(
    `machine: ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM`,
  );
  print(`postgres: ${settings}${workMem === undefined ? '' : ` (session work_mem=${workMem})`}`);
  for (const size of sizes) {
    await runSize(size, repeat, workMem, flag('keep'));
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
