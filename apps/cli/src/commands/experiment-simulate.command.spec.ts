import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { findRepoRoot } from '../repo-root';
import { experimentSimulateCommand, runSimulate, type SimulateOptions } from './experiment-simulate.command';

jest.setTimeout(60_000);

describe('foryou experiment simulate', () => {
  let out: string;
  const lines: string[] = [];
  const io = { out: (t: string) => lines.push(t), err: (t: string) => lines.push(t) };
  const options = (overrides: Partial<SimulateOptions> = {}): SimulateOptions => ({
    runs: 6,
    powerRuns: 4,
    lift: 0.3,
    scale: 'small',
    seed: 42,
    impressions: 10,
    units: 120,
    experiment: 'aa-calibration',
    out,
    sql: false,
    ...overrides,
  });

  beforeAll(() => {
    out = mkdtempSync(join(tmpdir(), 'foryou-simulate-'));
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));
  beforeEach(() => (lines.length = 0));

  it('prints the check table, writes the SVG and --json, and fails when the runs are too few to be sensitive', async () => {
    const json = join(out, 'nested', 'result.json');
    const code = await runSimulate(options({ json }), { io, interactive: false, repoRoot: findRepoRoot() });
    const text = lines.join('');
    expect(text).toContain(
      'Simulating aa-calibration on world-small-42-v2: 6 A/A + 4 planted runs, 120 viewers × 10 impressions',
    );
    for (const check of ['srm', 'ks-uniform', 'ks-sensitivity', 'reshuffle', 'power']) {
      expect(text).toMatch(new RegExp(`^${check} +.+ +(PASS|FAIL)$`, 'm'));
    }
    // 6 runs cannot show that KS rejects even a factor-2 SE error: the calibration says so.
    expect(text).toMatch(/^ks-sensitivity +.+FAIL$/m);
    expect(code).toBe(1);
    expect(text).toContain('SQL cross-check skipped');
    expect(text).toMatch(/A\/A runs 6\/6/);
    const svg = readFileSync(join(out, 'aa-calibration-small-seed42-aa-pvalues.svg'), 'utf8');
    expect(svg).toContain('A/A p-values: aa-calibration on world-small-42-v2');
    const written = JSON.parse(readFileSync(json, 'utf8')) as {
      result: { aa: { pValues: number[] }; power: { runs: number } };
      sql: null;
    };
    expect(written.result.aa.pValues).toHaveLength(6);
    expect(written.result.power.runs).toBe(4);
    expect(written.sql).toBeNull();
  });

  it('names the negative control in the SVG it writes (and writes no JSON without --json)', async () => {
    await runSimulate(options({ powerRuns: 0, negativeControl: 'unsalted-assignment' }), {
      io,
      interactive: false,
      repoRoot: findRepoRoot(),
    });
    expect(lines.join('')).toContain('NEGATIVE CONTROL unsalted-assignment');
    expect(lines.join('')).toMatch(/^reshuffle +.+FAIL$/m);
    expect(existsSync(join(out, 'aa-calibration-small-seed42-unsalted-assignment-aa-pvalues.svg'))).toBe(
      true,
    );
    expect(existsSync(join(out, 'aa-calibration-small-seed42-unsalted-assignment.json'))).toBe(false);
  });

  it('refuses an unknown experiment', async () => {
    await expect(
      runSimulate(options({ experiment: 'nope' }), { io, interactive: false, repoRoot: findRepoRoot() }),
    ).rejects.toThrow(/no experiments\/nope.yaml/);
  });

  it.each([
    [['--runs', '1'], 'must be at least 2 (A/A runs)'],
    [['--scale', 'large'], 'must be one of small, medium'],
    [['--lift', 'x'], 'must be a number (relative lift'],
    [['--negative-control', 'bogus'], 'must be one of unsalted-assignment, pooled-standard-error'],
  ])('validates %j', async (args, message) => {
    const err: string[] = [];
    const command = experimentSimulateCommand(io)
      .exitOverride()
      .configureOutput({ writeErr: (t) => err.push(t), writeOut: () => undefined });
    const parent = new Command('experiment').exitOverride().addCommand(command);
    await expect(parent.parseAsync(['simulate', ...args], { from: 'user' })).rejects.toBeInstanceOf(
      CommanderError,
    );
    expect(err.join('')).toContain(message);
  });
});
