import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExperimentDefinitionError } from '@foryou/experiments';
import { NoExposuresError, UnknownExperimentError } from '@foryou/experiments-report';
import { CommanderError } from 'commander';
import { CliError } from '../io';
import { findRepoRoot } from '../repo-root';
import { experimentCommand } from './experiment.command';
import { reportFailure, runExperimentReport, type ReportOptions } from './experiment-report.command';

const root = findRepoRoot();
const base: ReportOptions = {
  key: 'recent-engaged-authors-source',
  experimentsDir: join(root, 'experiments'),
  // Nothing listens on port 1: the connection is refused at once.
  databaseUrl: 'postgres://postgres@127.0.0.1:1/foryou',
};

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
}

async function failure(options: ReportOptions): Promise<string> {
  const { io: sink } = io();
  const dir = mkdtempSync(join(tmpdir(), 'exp-report-'));
  try {
    const error = await runExperimentReport(
      { ...options, out: dir },
      { io: sink, interactive: false, repoRoot: root },
    ).then(
      () => {
        throw new Error('expected a failure');
      },
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CliError);
    return (error as CliError).message;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('experiment report: errors a user can fix are one line', () => {
  it('should name the known keys for an unknown key', async () => {
    expect(await failure({ ...base, key: 'no-such-experiment' })).toMatch(
      /^unknown experiment "no-such-experiment" in .*experiments \(known: .*recent-engaged-authors-source.*\)$/,
    );
  });

  it('should say the database is unreachable', async () => {
    expect(await failure(base)).toBe(
      'cannot reach PostgreSQL at postgres://postgres@127.0.0.1:1/foryou (ECONNREFUSED); start it or pass --database-url / set DATABASE_URL',
    );
  });

  it('should say the experiments directory does not exist', async () => {
    expect(await failure({ ...base, experimentsDir: join(root, 'no-such-dir') })).toMatch(
      /^experiments directory not found: /,
    );
  });

  it.each([
    [
      new NoExposuresError('no exposures of experiment x yet'),
      'no data yet: no exposures of experiment x yet',
    ],
    [new UnknownExperimentError('unknown experiment "x"'), 'unknown experiment "x"'],
    [
      Object.assign(new Error('database "x" does not exist'), { code: '3D000' }),
      'database does not exist: postgres://u:***@db:5432/x',
    ],
    [
      Object.assign(new Error('relation "experiments.outcomes" does not exist'), { code: '42P01' }),
      'no experiments store in postgres://u:***@db:5432/x (relation "experiments.outcomes" does not exist): run the experiments-store migrations first',
    ],
    [
      Object.assign(new Error('password authentication failed'), { code: '28P01' }),
      'PostgreSQL refused the credentials of postgres://u:***@db:5432/x',
    ],
    [
      new Error('timeout expired'),
      'cannot reach PostgreSQL at postgres://u:***@db:5432/x (timeout expired); start it or pass --database-url / set DATABASE_URL',
    ],
    [
      new ExperimentDefinitionError([
        {
          file: 'experiments/x.yaml',
          path: 'variants[1].weight',
          message: 'bad',
          code: 'invalid_type',
          line: 7,
          column: 13,
        },
      ]),
      '1 problem(s) in the experiment definitions, first: experiments/x.yaml:7:13 variants[1].weight: bad [invalid_type]',
    ],
  ])('%s → %s', (error, message) => {
    expect(reportFailure(error, 'postgres://u:secret@db:5432/x')).toBe(message);
  });

  it('should leave unexpected errors (bugs) alone', () => {
    expect(reportFailure(new TypeError('x is undefined'), 'postgres://db/x')).toBeNull();
  });
});

describe('experiment report: command line', () => {
  async function parse(...args: string[]): Promise<{ error: CommanderError; stderr: string }> {
    const { io: sink, err } = io();
    const parent = experimentCommand(sink).exitOverride();
    parent.commands.forEach((c) => c.exitOverride());
    const error = await parent.parseAsync(['node', 'experiment', ...args]).then(
      () => {
        throw new Error('expected a failure');
      },
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CommanderError);
    return { error: error as CommanderError, stderr: err.join('') };
  }

  it.each([
    [['report', 'x', '--window-from', 'yesterday'], 'must be an ISO 8601 time'],
    [['report', 'x', '--database-url', 'mysql://db/x'], 'must be a postgres:// URL'],
    [['report'], "missing required argument 'key'"],
  ])('%j → %s', async (args, message) => {
    const { error, stderr } = await parse(...args);
    expect(error.exitCode).toBe(1);
    expect(stderr).toContain(message);
    expect(stderr).toContain('(run with --help for usage)');
  });

  it('should list report under experiment, with its options', async () => {
    const { error } = await parse('report', '--help');
    expect(error.code).toBe('commander.helpDisplayed');
    const { io: sink, out } = io();
    const parent = experimentCommand(sink);
    parent.commands.find((c) => c.name() === 'report')!.outputHelp();
    const help = out.join('');
    for (const option of ['--experiments-dir', '--database-url', '--out', '--window-from', '--window-to']) {
      expect(help).toContain(option);
    }
  });
});
