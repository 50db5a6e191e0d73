import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { loadExperiments, type ExperimentDefinition } from '@foryou/experiments';
import {
  checkSqlPathInScratchDatabase,
  NEGATIVE_CONTROLS,
  pValuePlotSvg,
  runCalibration,
  runSalt,
  simulateRun,
  type CalibrationProgress,
  type CalibrationResult,
  type StoreCheckResult,
} from '@foryou/experiments-sim';
import { generateWorld } from '@foryou/world';
import { Presets, SingleBar } from 'cli-progress';
import { Command, Option } from 'commander';
import { z } from 'zod';
import { argParser, parseOptions, SeedArg } from '../args';
import { readCliEnv } from '../config/cli-env';
import { CliError, type CliIo } from '../io';
import { PathArg } from '../ml/ml-args';
import { findRepoRoot } from '../repo-root';

const SIM_SCALES = ['small', 'medium'] as const;
const SimScaleArg = z.enum(SIM_SCALES, { error: `must be one of ${SIM_SCALES.join(', ')}` });
const count = (what: string, min: number, max: number) =>
  z.coerce
    .number({ error: `must be a number (${what})` })
    .int({ error: `must be a whole number (${what})` })
    .min(min, { error: `must be at least ${min} (${what})` })
    .max(max, { error: `must be at most ${max} (${what})` });
const RunsArg = count('A/A runs', 2, 100_000);
const PowerRunsArg = count('planted-effect runs', 0, 100_000);
const ImpressionsArg = count('impressions per viewer', 1, 1_000);
const UnitsArg = count('viewers', 2, 10_000_000);
const LiftArg = z.coerce
  .number({ error: 'must be a number (relative lift, e.g. 0.2)' })
  .min(-1, { error: 'must be at least -1 (relative lift)' })
  .max(100, { error: 'must be at most 100 (relative lift)' });
const KeyArg = z.string().regex(/^[a-z][a-z0-9_-]{0,62}$/, { error: 'must be an experiment key' });
const NegativeControlArg = z.enum(NEGATIVE_CONTROLS, {
  error: `must be one of ${NEGATIVE_CONTROLS.join(', ')}`,
});

const SimulateOptions = z.object({
  runs: RunsArg,
  powerRuns: PowerRunsArg,
  lift: LiftArg,
  scale: SimScaleArg,
  seed: SeedArg,
  impressions: ImpressionsArg,
  units: UnitsArg.optional(),
  experiment: KeyArg,
  negativeControl: NegativeControlArg.optional(),
  out: PathArg.optional(),
  json: PathArg.optional(),
  sql: z.boolean(),
});
export type SimulateOptions = z.infer<typeof SimulateOptions>;

export const DEFAULT_SIMULATION_DIR = join('reports', 'simulation');

/** `foryou experiment simulate`: the A/A + planted-effect calibration of the experiment system. */
export function experimentSimulateCommand(io: CliIo): Command {
  return new Command('simulate')
    .description(
      'Simulation check of the experiment system on the world engagement simulator: re-salted A/A runs ' +
        '(SRM flags, KS test of the p-values, reshuffle), planted-effect runs (empirical vs analytic power) ' +
        'and one run through PostgreSQL. Prints a table, writes an SVG of the A/A p-values (and --json); ' +
        'exits 1 when a check fails.',
    )
    .addOption(new Option('--runs <n>', 'A/A runs').argParser(argParser(RunsArg)).default(1000))
    .addOption(
      new Option('--power-runs <n>', 'planted-effect runs (0: skip)')
        .argParser(argParser(PowerRunsArg))
        .default(300),
    )
    .addOption(
      new Option('--lift <x>', 'relative lift planted in the treatment arm')
        .argParser(argParser(LiftArg))
        .default(0.2),
    )
    .addOption(
      new Option('--scale <scale>', 'world scale')
        .choices(SIM_SCALES)
        .argParser(argParser(SimScaleArg))
        .default('small'),
    )
    .addOption(new Option('--seed <n>', 'world seed').argParser(argParser(SeedArg)).default(42))
    .addOption(
      new Option('--impressions <n>', 'impressions per viewer (logging policy)')
        .argParser(argParser(ImpressionsArg))
        .default(20),
    )
    .addOption(
      new Option('--units <n>', 'only the first N viewers of the world').argParser(argParser(UnitsArg)),
    )
    .addOption(
      new Option('--experiment <key>', 'experiment definition (experiments/<key>.yaml)')
        .argParser(argParser(KeyArg))
        .default('aa-calibration'),
    )
    .addOption(
      new Option('--negative-control <kind>', 'run a deliberately broken pipeline (the checks must fail)')
        .choices(NEGATIVE_CONTROLS)
        .argParser(argParser(NegativeControlArg)),
    )
    .addOption(
      new Option('--out <dir>', `output directory (default <repo>/${DEFAULT_SIMULATION_DIR})`).argParser(
        argParser(PathArg),
      ),
    )
    .addOption(
      new Option(
        '--json <file>',
        'also write the full result (p-values, checks, SQL check) as JSON',
      ).argParser(argParser(PathArg)),
    )
    .option('--no-sql', 'skip the PostgreSQL cross-check of one run')
    .action(async (_options: unknown, self: Command) => {
      const options = parseOptions(SimulateOptions, self.opts());
      process.exitCode = await runSimulate(options, { io });
    });
}

export interface SimulateDeps {
  readonly io: CliIo;
  /** Draw a progress bar (default: from the environment). */
  readonly interactive?: boolean;
  /** Where experiments/ lives (default: the repository root). */
  readonly repoRoot?: string;
}

/** Progress over both phases (A/A runs, then planted runs): a bar on a terminal, a line every 10 % otherwise. */
function createRunProgress(aaRuns: number, powerRuns: number, interactive: boolean, io: CliIo) {
  const label = (p: CalibrationProgress): string => (p.phase === 'aa' ? 'A/A' : 'planted');
  if (!interactive) {
    let last = '';
    return {
      update: (p: CalibrationProgress): void => {
        const key = `${p.phase}:${Math.floor((10 * p.done) / p.total)}`;
        if (key !== last) {
          last = key;
          io.err(`  ${label(p)} runs ${p.done}/${p.total}\n`);
        }
      },
      stop: (): void => undefined,
    };
  }
  const bar = new SingleBar(
    {
      format: '  simulating |{bar}| {value}/{total} runs · {phase} · {eta_formatted} left',
      hideCursor: true,
    },
    Presets.shades_classic,
  );
  bar.start(aaRuns + powerRuns, 0, { phase: 'A/A' });
  let stopped = false;
  return {
    update: (p: CalibrationProgress): void => {
      if (!stopped) {
        bar.update(p.phase === 'aa' ? p.done : aaRuns + p.done, { phase: label(p) });
      }
    },
    stop: (): void => {
      if (!stopped) {
        stopped = true;
        bar.stop();
      }
    },
  };
}

const fixed = (x: number, digits = 3): string => x.toFixed(digits);
const interval = (lo: number, hi: number): string => `[${fixed(lo)}, ${fixed(hi)}]`;

/** The report table: one row per check, then the details every check is computed from. */
export function formatSimulationTable(result: CalibrationResult, sql: StoreCheckResult | null): string {
  const { settings: s, aa, power } = result;
  const rows: [string, string, string][] = result.checks.map((c) => [
    c.name,
    c.detail,
    c.passed ? 'PASS' : 'FAIL',
  ]);
  if (sql !== null) {
    rows.push([
      'sql-path',
      `p memory ${sql.memoryPValue.toPrecision(12)} vs SQL ${sql.sqlPValue.toPrecision(12)} (rel. err ${sql.pValueRelativeError.toExponential(1)}); ${sql.attribution.attributed} outcomes attributed`,
      sql.agrees ? 'PASS' : 'FAIL',
    ]);
  }
  const nameWidth = Math.max('check'.length, ...rows.map((r) => r[0].length));
  const resultWidth = Math.max('result'.length, ...rows.map((r) => r[1].length));
  const line = (r: readonly [string, string, string]): string =>
    `${r[0].padEnd(nameWidth)}  ${r[1].padEnd(resultWidth)}  ${r[2]}`;
  const rule = '-'.repeat(nameWidth + resultWidth + 10);
  const details = [
    `A/A false positives at α = ${s.alpha}: ${aa.falsePositives.successes}/${aa.runs} = ${fixed(aa.falsePositives.estimate)} ` +
      `${interval(aa.falsePositives.lower, aa.falsePositives.upper)} (${(1 - s.checkLevel) * 100} % Clopper–Pearson)`,
    `A/A SE calibration: sd(estimates)/√mean(SE²) = ${fixed(aa.seRatio)}; design effect of per-request analysis ${fixed(aa.designEffect)}`,
    `Mean analysed units per arm: ${aa.meanUnits.map((u) => u.toFixed(1)).join(' / ')} (assigned ${aa.meanAssigned.map((u) => u.toFixed(1)).join(' / ')})`,
    `KS of the per-request (wrong unit) p-values: D = ${fixed(aa.sensitivity.perExposureUnits.statistic, 4)}, p = ${aa.sensitivity.perExposureUnits.pValue.toPrecision(3)}`,
  ];
  if (power !== null) {
    const i = power.inputs;
    details.push(
      `Planted lift ${power.lift} (effective ${fixed(power.effectiveLift, 4)}, capped share ${power.cappedShare}): ` +
        `${power.rejections}/${power.runs} rejected → ${fixed(power.empirical.estimate)} CP ${interval(power.empirical.lower, power.empirical.upper)}, ` +
        `Wilson ${interval(power.wilson.lower, power.wilson.upper)}; analytic ${fixed(power.analytic)}`,
      `Analytic inputs: δ = ${i.delta.toPrecision(4)}, sd ${i.sdControl.toPrecision(4)} / ${i.sdTreatment.toPrecision(4)}, ` +
        `n ${i.nControl.toFixed(1)} / ${i.nTreatment.toFixed(1)}, α = ${i.alpha}; mean estimated relative lift ${fixed(power.meanRelativeEstimate, 4)}`,
    );
  }
  return [line(['check', 'result', 'status']), rule, ...rows.map(line), rule, ...details].join('\n');
}

async function loadDefinition(root: string, key: string): Promise<ExperimentDefinition> {
  const definitions = await loadExperiments(join(root, 'experiments'));
  const definition = definitions.find((d) => d.key === key);
  if (definition === undefined) {
    throw new CliError(
      `--experiment: no experiments/${key}.yaml (have ${definitions.map((d) => d.key).join(', ')})`,
    );
  }
  return definition;
}

/** Runs the calibration (and the SQL check), prints the table, writes the SVG and JSON; 0 iff every check passed. */
export async function runSimulate(options: SimulateOptions, deps: SimulateDeps): Promise<number> {
  const { io } = deps;
  const interactive = deps.interactive ?? readCliEnv().interactive;
  const root = deps.repoRoot ?? findRepoRoot();
  const definition = await loadDefinition(root, options.experiment);
  const started = performance.now();
  const world = generateWorld({ seed: options.seed, scale: options.scale });
  if (options.units !== undefined && options.units > world.users.size) {
    throw new CliError(`--units: the ${options.scale} world has ${world.users.size} viewers`);
  }
  io.out(
    `Simulating ${definition.key} on ${world.version}: ${options.runs} A/A + ${options.powerRuns} planted runs, ` +
      `${options.units ?? world.users.size} viewers × ${options.impressions} impressions` +
      `${options.negativeControl === undefined ? '' : ` · NEGATIVE CONTROL ${options.negativeControl}`}\n`,
  );
  const progress = createRunProgress(options.runs, options.powerRuns, interactive, io);
  let result: CalibrationResult;
  const common = {
    world,
    definition,
    impressionsPerUnit: options.impressions,
    ...(options.units === undefined ? {} : { units: options.units }),
  };
  try {
    result = runCalibration({
      ...common,
      runs: options.runs,
      powerRuns: options.powerRuns,
      lift: options.lift,
      ...(options.negativeControl === undefined ? {} : { negativeControl: options.negativeControl }),
      onProgress: (p) => progress.update(p),
    });
  } catch (error) {
    if (error instanceof RangeError) {
      throw new CliError(`cannot simulate ${definition.key}: ${error.message}`);
    }
    throw error;
  } finally {
    progress.stop();
  }
  const simulatedSeconds = (performance.now() - started) / 1000;

  let sql: StoreCheckResult | null = null;
  let sqlSeconds = 0;
  if (options.sql) {
    const t = performance.now();
    const run = simulateRun({
      ...common,
      salt: runSalt(`${result.settings.saltPrefix}-aa`, 0),
      collectEvents: true,
    });
    try {
      sql = await checkSqlPathInScratchDatabase(run, {
        attributionWindowMs: definition.attribution_window_hours * 3_600_000,
        alpha: result.settings.alpha,
      });
    } catch (error) {
      throw new CliError(
        `PostgreSQL cross-check failed (${error instanceof Error ? error.message : String(error)}); ` +
          'is PostgreSQL running (EXPERIMENTS_STORE_ADMIN_URL)? Use --no-sql to skip it',
      );
    }
    sqlSeconds = (performance.now() - t) / 1000;
  }

  io.out(`\n${formatSimulationTable(result, sql)}\n`);
  io.out(
    `Runtime: simulation ${simulatedSeconds.toFixed(1)} s` +
      `${options.sql ? ` · SQL cross-check ${sqlSeconds.toFixed(1)} s` : ' · SQL cross-check skipped'}\n`,
  );

  const dir = options.out === undefined ? join(root, DEFAULT_SIMULATION_DIR) : resolve(options.out);
  mkdirSync(dir, { recursive: true });
  const name =
    `${definition.key}-${options.scale}-seed${options.seed}` +
    `${options.negativeControl === undefined ? '' : `-${options.negativeControl}`}`;
  const svgPath = join(dir, `${name}-aa-pvalues.svg`);
  writeFileSync(
    svgPath,
    pValuePlotSvg(result.aa.pValues, {
      title: `A/A p-values: ${definition.key} on ${world.version}`,
      subtitle:
        `${result.aa.runs} re-salted runs · ${result.settings.metric.key} (${result.settings.method}) · ` +
        `${common.units ?? world.users.size} viewers × ${options.impressions} impressions`,
      level: result.settings.checkLevel,
    }),
  );
  io.out(`Wrote ${svgPath}\n`);
  if (options.json !== undefined) {
    const jsonPath = resolve(options.json);
    mkdirSync(dirname(jsonPath), { recursive: true });
    writeFileSync(
      jsonPath,
      `${JSON.stringify({ options, runtimeSeconds: { simulation: simulatedSeconds, sql: sqlSeconds }, result, sql }, null, 2)}\n`,
    );
    io.out(`Wrote ${jsonPath}\n`);
  }
  const passed = result.passed && (sql === null || sql.agrees);
  io.out(passed ? 'All checks passed.\n' : 'Some checks FAILED.\n');
  return passed ? 0 : 1;
}
