/**
 * Benchmark of report generation, end to end. A script, not a test:
 *
 *   npx tsc -b libs/experiments-report/tsconfig.build.json
 *   node libs/experiments-report/dist/bench/report-bench.js [--exposures 1000000,10000000]
 *        [--experiments-dir experiments] [--key recent-engaged-authors-source] [--out dir] [--keep]
 *
 * For each size: a fresh database (`exp_report_bench_<pid>_<hex>`), migrated; a synthetic experiment
 * shaped like the definition (src/synthetic-experiment.ts: planted effect, treatment kill at 60% of the
 * 14 days, covariates) streamed in with COPY and ANALYZEd — the LOAD, timed separately; then the REPORT:
 * attribution of the outcomes, every analysis statement, the statistics and the Markdown/HTML/JSON
 * renderings (`generateReport`), each step timed. `--out` writes the last report's files there. The
 * database is dropped unless --keep. Connection: EXPERIMENTS_STORE_ADMIN_URL (default
 * postgres://postgres@127.0.0.1:5432/postgres).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createScratchDatabase, migrate } from '@foryou/experiments-store';
import { findDefinition, generateReport } from '../generate';
import {
  loadSyntheticExperiment,
  syntheticExperimentConfig,
  unitsForExposures,
} from '../synthetic-experiment';

function print(line = ''): void {
  process.stdout.write(`${line}\n`);
}

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function seconds(ms: number): string {
  return ms < 1000 ? `${ms.toFixed(0)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

function load(): string {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ');
}

function row(name: string, value: string, extra = ''): void {
  print(`  ${name.padEnd(58)} ${value.padStart(10)}  ${extra}`);
}

async function runSize(
  exposures: number,
  dir: string,
  key: string,
  out: string | undefined,
  keep: boolean,
): Promise<void> {
  const definition = await findDefinition(dir, key);
  const base = syntheticExperimentConfig({
    experimentKey: definition.key,
    units: 1,
    attributionWindowHours: definition.attribution_window_hours,
  });
  const config = { ...base, units: unitsForExposures(base, exposures) };
  print();
  print(
    `== ~${exposures.toLocaleString('en-US')} exposures: ${config.units.toLocaleString('en-US')} assigned units, ${config.days} days ==`,
  );
  print(`   load average before: ${load()}`);
  const db = await createScratchDatabase({ prefix: 'exp_report_bench', pool: { max: 2 } });
  try {
    await migrate(db.pool);
    print('  LOAD');
    const loadStart = performance.now();
    for (const t of await loadSyntheticExperiment(db.pool, config)) {
      row(
        t.table === 'ANALYZE' ? 'ANALYZE' : `COPY ${t.table}`,
        seconds(t.ms),
        t.table === 'ANALYZE' ? '' : `${t.rows.toLocaleString('en-US')} rows`,
      );
    }
    const loadMs = performance.now() - loadStart;
    row('load total', seconds(loadMs));
    print('  REPORT (attribution + queries + statistics + rendering)');
    const start = performance.now();
    const generated = await generateReport(db.pool, definition);
    const reportMs = performance.now() - start;
    const steps = (JSON.parse(generated.json) as { timings: { step: string; ms: number }[] }).timings;
    for (const s of steps) {
      row(s.step, seconds(s.ms));
    }
    row('report total', seconds(reportMs));
    print(
      `  report: ${generated.report.window.exposures.toLocaleString('en-US')} exposure rows, decision ${generated.report.recommendations
        .map((r) => `${r.treatment}=${r.decision}`)
        .join(', ')}, html ${(generated.html.length / 1024).toFixed(0)} KiB`,
    );
    print(`  SUMMARY exposures=${exposures} load=${seconds(loadMs)} report=${seconds(reportMs)}`);
    print(`   load average after: ${load()}`);
    if (out !== undefined) {
      mkdirSync(out, { recursive: true });
      writeFileSync(join(out, 'report.md'), generated.markdown);
      writeFileSync(join(out, 'report.html'), generated.html);
      writeFileSync(join(out, 'report.json'), generated.json);
      print(`  wrote ${out}/report.{md,html,json}`);
    }
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
  if (sizes.length === 0) {
    throw new Error(
      'usage: report-bench [--exposures 1000000[,10000000]] [--experiments-dir dir] [--key key] [--out dir] [--keep]',
    );
  }
  const dir = resolve(option('experiments-dir') ?? join(__dirname, '..', '..', '..', '..', 'experiments'));
  const key = option('key') ?? 'recent-engaged-authors-source';
  print('experiments-report end-to-end benchmark');
  print(
    `machine: ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM`,
  );
  print(`definition: ${key} from ${dir}`);
  for (const size of sizes) {
    await runSize(size, dir, key, option('out'), process.argv.includes('--keep'));
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
