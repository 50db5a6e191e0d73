import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ExperimentDefinitionError, formatProblem, SHIPPED_EXPERIMENTS_DIR } from '@foryou/experiments';
import {
  findDefinition,
  generateReport,
  NoExposuresError,
  UnknownExperimentError,
  type ExperimentReport,
  type ReportProgress,
} from '@foryou/experiments-report';
import { Presets, SingleBar } from 'cli-progress';
import { Command, Option } from 'commander';
import { Pool } from 'pg';
import { z } from 'zod';
import { argParser, parseOptions } from '../args';
import { readCliEnv } from '../config/cli-env';
import { DEFAULT_DATABASE_URL, redactedUrl } from '../experiments-database';
import { CliError, type CliIo } from '../io';
import { findRepoRoot } from '../repo-root';

/**
 * `foryou experiment report <key>`: attributes the new outcomes, runs the report's queries against the
 * experiments store, and writes report.md, report.html (self-contained) and report.json (with the
 * inputs and their content hash). Failures a user can fix — unknown key, invalid definitions,
 * unreachable database, no experiment store, no data yet — end with exit code 1 and one line.
 */

const KeyArg = z.string().regex(/^[a-z][a-z0-9_-]{0,62}$/, { error: 'must be an experiment key' });
const PathArg = z.string().min(1, { error: 'must not be empty (a path)' });
const DatabaseUrlArg = z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// URL' });
/** An ISO 8601 time (a date alone is midnight UTC); also accepts its own output, a Date. */
const TimeArg = z.union([z.date(), z.string()]).transform((value, ctx) => {
  if (value instanceof Date) {
    return value;
  }
  const t = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(t)) {
    ctx.addIssue({
      code: 'custom',
      message: 'must be an ISO 8601 time, e.g. 2026-03-02 or 2026-03-02T12:00:00Z',
    });
    return z.NEVER;
  }
  return new Date(t);
});

const ReportOptions = z
  .object({
    key: KeyArg,
    experimentsDir: PathArg,
    databaseUrl: DatabaseUrlArg,
    out: PathArg.optional(),
    windowFrom: TimeArg.optional(),
    windowTo: TimeArg.optional(),
  })
  .refine((o) => o.windowFrom === undefined || o.windowTo === undefined || o.windowFrom < o.windowTo, {
    message: 'must be after --window-from',
    path: ['windowTo'],
  });
export type ReportOptions = z.infer<typeof ReportOptions>;

export function experimentReportCommand(io: CliIo): Command {
  const root = findRepoRoot();
  return new Command('report')
    .description(
      'Report of one experiment: health (SRM overall, funnel and by day, multiple exposures, sample), the decision ' +
        'table (primary, secondaries, guardrails), ITT vs triggered, CUPED, cumulative lift, kills and ramp, and the ' +
        'inputs with their content hash. Writes report.md, report.html and report.json.',
    )
    .argument('<key>', 'experiment key (the name of experiments/<key>.yaml)')
    .addOption(
      new Option('--experiments-dir <dir>', 'experiment definitions (*.yaml)')
        .argParser(argParser(PathArg))
        .default(SHIPPED_EXPERIMENTS_DIR, '<repo>/experiments'),
    )
    .addOption(
      new Option(
        '--database-url <url>',
        `PostgreSQL of the experiments store (default: $DATABASE_URL, else ${DEFAULT_DATABASE_URL})`,
      ).argParser(argParser(DatabaseUrlArg)),
    )
    .addOption(
      new Option('--out <dir>', 'output directory (default: <repo>/reports/<key>/)').argParser(
        argParser(PathArg),
      ),
    )
    .addOption(
      new Option(
        '--window-from <time>',
        'analysis window start, inclusive (ISO 8601; default: the first exposure)',
      ).argParser(argParser(TimeArg)),
    )
    .addOption(
      new Option('--window-to <time>', 'analysis window end, exclusive (ISO 8601; default: now)').argParser(
        argParser(TimeArg),
      ),
    )
    .action(async (key: string, _options: unknown, self: Command) => {
      const env = readCliEnv();
      const raw = self.opts<Record<string, unknown>>();
      const options = parseOptions(ReportOptions, {
        ...raw,
        key,
        databaseUrl: raw['databaseUrl'] ?? env.databaseUrl,
      });
      process.exitCode = await runExperimentReport(options, {
        io,
        interactive: env.interactive,
        repoRoot: root,
      });
    });
}

export interface ReportDeps {
  readonly io: CliIo;
  /** Draw a progress bar (a terminal). */
  readonly interactive: boolean;
  /** Where the default output directory `reports/<key>/` lives. */
  readonly repoRoot: string;
}

interface ReportBar {
  update(progress: ReportProgress): void;
  stop(): void;
}

/** A cli-progress bar over the report's steps on a terminal; nothing otherwise (logs stay clean). */
function createReportProgress(interactive: boolean): ReportBar {
  if (!interactive) {
    return { update: () => undefined, stop: () => undefined };
  }
  const bar = new SingleBar(
    { format: '  report |{bar}| {value}/{total} steps · {step}', hideCursor: true, clearOnComplete: true },
    Presets.shades_classic,
  );
  let started = false;
  let stopped = false;
  return {
    update: (p) => {
      if (stopped) {
        return;
      }
      if (!started) {
        started = true;
        bar.start(p.total, p.done, { step: p.step });
      }
      bar.setTotal(p.total);
      bar.update(p.done, { step: p.step });
    },
    stop: () => {
      if (started && !stopped) {
        bar.stop();
      }
      stopped = true;
    },
  };
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ECONNRESET',
]);

/**
 * The one-line reason for a failure the user can act on, or null for anything else (a bug: let it
 * surface with its stack).
 */
export function reportFailure(error: unknown, databaseUrl: string): string | null {
  const where = redactedUrl(databaseUrl);
  if (error instanceof NoExposuresError) {
    return `no data yet: ${error.message}`;
  }
  if (error instanceof UnknownExperimentError) {
    return error.message;
  }
  if (error instanceof ExperimentDefinitionError) {
    const [first] = error.problems;
    return `${error.problems.length} problem(s) in the experiment definitions${first === undefined ? '' : `, first: ${formatProblem(first)}`}`;
  }
  const code = errorCode(error);
  const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
  if (code !== undefined && UNREACHABLE.has(code)) {
    return `cannot reach PostgreSQL at ${where} (${code}); start it or pass --database-url / set DATABASE_URL`;
  }
  if (error instanceof Error && /timeout expired|Connection terminated/i.test(error.message)) {
    return `cannot reach PostgreSQL at ${where} (${message}); start it or pass --database-url / set DATABASE_URL`;
  }
  switch (code ?? '') {
    case '3D000':
      return `database does not exist: ${where}`;
    case '28P01':
    case '28000':
      return `PostgreSQL refused the credentials of ${where}`;
    case '42P01':
    case '3F000':
      return `no experiments store in ${where} (${message}): run the experiments-store migrations first`;
    case 'ENOENT':
      return message ?? 'no such file or directory';
    default:
      return null;
  }
}

function summary(report: ExperimentReport): string[] {
  const primary = report.metrics.find((m) => m.role === 'primary');
  const pct = (x: number | null): string =>
    x === null ? '—' : `${x > 0 ? '+' : ''}${(100 * x).toFixed(2)}%`;
  const lines = [
    `${report.experiment.key}: health ${report.health.status} · ${report.window.exposures.toLocaleString('en-US')} exposures`,
    ...report.health.issues.slice(0, 3).map((i) => `  ! ${i}`),
    ...report.recommendations.map((r) => `  ${r.treatment}: ${r.decision} — ${r.reasons[0] ?? ''}`),
  ];
  for (const c of primary?.comparisons ?? []) {
    const rel = c.itt.relative;
    lines.push(
      `  ${primary?.key ?? ''} (ITT, ${c.treatment}): ${pct(rel?.estimate ?? null)} [${pct(rel?.ci[0] ?? null)}, ${pct(rel?.ci[1] ?? null)}], Holm p ${c.itt.holmP?.toPrecision(3) ?? '—'}`,
    );
  }
  return lines;
}

/** Generates the report and writes its three files; 0 on success (whatever the report says). */
export async function runExperimentReport(options: ReportOptions, deps: ReportDeps): Promise<number> {
  const { io } = deps;
  const start = performance.now();
  let definition;
  try {
    definition = await findDefinition(options.experimentsDir, options.key);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') {
      throw new CliError(`experiments directory not found: ${options.experimentsDir}`);
    }
    throw new CliError(reportFailure(error, options.databaseUrl) ?? String(error));
  }
  const out = resolve(options.out ?? join(deps.repoRoot, 'reports', options.key));
  const pool = new Pool({ connectionString: options.databaseUrl, max: 2, connectionTimeoutMillis: 10_000 });
  pool.on('error', () => undefined); // an idle client's error surfaces on the next query instead
  const progress = createReportProgress(deps.interactive);
  let generated;
  try {
    generated = await generateReport(pool, definition, {
      window: {
        ...(options.windowFrom === undefined ? {} : { from: options.windowFrom }),
        ...(options.windowTo === undefined ? {} : { to: options.windowTo }),
      },
      onProgress: (p) => progress.update(p),
    });
  } catch (error) {
    const reason = reportFailure(error, options.databaseUrl);
    if (reason === null) {
      throw error;
    }
    throw new CliError(reason);
  } finally {
    progress.stop();
    await pool.end();
  }
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'report.md'), generated.markdown);
  writeFileSync(join(out, 'report.html'), generated.html);
  writeFileSync(join(out, 'report.json'), generated.json);
  const near = relative(process.cwd(), out);
  const shown = near === '' ? '.' : near.startsWith('..') ? out : near;
  io.out(`${summary(generated.report).join('\n')}\n`);
  io.out(
    `Wrote ${join(shown, 'report.md')}, report.html, report.json (content hash ${generated.report.contentHash.slice(0, 12)}…) in ${((performance.now() - start) / 1000).toFixed(1)} s\n`,
  );
  return 0;
}
