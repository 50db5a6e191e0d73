import { CommanderError } from 'commander';
import { buildProgram } from './program';

/** The program with process.exit replaced by a thrown CommanderError, and its output captured. */
function program() {
  const out: string[] = [];
  const err: string[] = [];
  const cli = buildProgram({ out: (t) => out.push(t), err: (t) => err.push(t) });
  cli.exitOverride();
  for (const command of cli.commands) {
    command.copyInheritedSettings(cli);
  }
  const run = (...args: string[]) => cli.parseAsync(['node', 'foryou', ...args]);
  return { run, out, err };
}

async function failure(...args: string[]): Promise<{ error: CommanderError; stderr: string }> {
  const { run, err } = program();
  const error = await run(...args).then(
    () => {
      throw new Error(`expected "${args.join(' ')}" to fail`);
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CommanderError);
  return { error: error as CommanderError, stderr: err.join('') };
}

describe('command-line validation', () => {
  it.each([
    [['loadgen', '--rate', 'abc'], "option '--rate <rps>' argument 'abc' is invalid. must be a number"],
    [['loadgen', '--rate', '0'], 'must be greater than 0 (requests per second)'],
    [['loadgen', '--duration', '-5'], 'must be greater than 0 (seconds)'],
    [['loadgen', '--requests', '10.5'], 'must be a whole number (number of requests)'],
    [['loadgen', '--concurrency', '0'], 'must be at least 1 (requests in flight)'],
    [['loadgen', '--target', 'ftp://example.org'], 'must use http or https, not ftp'],
    [['loadgen', '--max-error-rate', '7'], 'must be between 0 and 1'],
    [['demo', '--port', '99999'], 'must be at most 65535 (TCP port)'],
    [['demo', '--scale', 'huge'], 'must be one of small, medium, large'],
    [['demo', '--seed', '-1'], 'must be at least 0 (world seed)'],
    [['demo', '--exit', '--keep-running'], "option '--keep-running' cannot be used with option '--exit'"],
    [['loadgen', '--bogus'], "unknown option '--bogus'"],
  ])('%j → %s', async (args, message) => {
    const { error, stderr } = await failure(...args);
    expect(error.exitCode).toBe(1);
    expect(stderr).toContain(message);
    expect(stderr).toContain('(run with --help for usage)');
  });

  it('documents the defaults in --help', async () => {
    const { run, out } = program();
    await expect(run('demo', '--help')).rejects.toMatchObject({ code: 'commander.helpDisplayed' });
    const help = out.join('');
    expect(help).toContain('--requests <n>');
    expect(help).toContain('(default: 200)');
    expect(help).toContain('--exit');
    expect(help).toContain('keeps running until Ctrl-C');
  });
});
