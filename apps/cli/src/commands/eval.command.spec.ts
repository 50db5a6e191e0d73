import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommanderError } from 'commander';
import { buildProgram } from '../program';
import { type EvalFile, runEval } from './eval.command';

jest.setTimeout(90_000);

describe('foryou eval (small world)', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'foryou-eval-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('trains when no artifact exists, prints the table per slice, writes the JSON report, exits 0 when the feed wins', async () => {
    const lines: string[] = [];
    const io = { out: (t: string) => lines.push(t), err: (t: string) => lines.push(t) };
    const json = join(root, 'reports', 'eval.json');
    const code = await runEval(
      { scale: 'small', seed: 42, k: [10, 50, 200], json, artifacts: join(root, 'artifacts'), maxUsers: 100 },
      { io, interactive: false },
    );
    const text = lines.join('');
    expect(text).toContain('No model artifact');
    for (const header of ['Recall@10', 'NDCG@10', 'Recall@50', 'NDCG@50', 'Recall@200', 'NDCG@200']) {
      expect(text).toContain(header);
    }
    for (const row of [
      'retrieval (exact)',
      'retrieval (HNSW)',
      'feed: Phoenix ranker',
      'popularity baseline',
    ]) {
      expect(text).toMatch(new RegExp(`new \\(n=\\d+\\) +${row.replace(/[()]/g, '\\$&')}`));
      expect(text).toMatch(new RegExp(`established \\(n=100\\) +${row.replace(/[()]/g, '\\$&')}`));
    }
    expect(text).toMatch(/excluded, \|R\| = 0: \d+/);
    expect(text).toMatch(/HNSW vs exact recall, new: @10 /);
    const file = JSON.parse(readFileSync(json, 'utf8')) as EvalFile;
    expect(file).toMatchObject({ world: 'world-small-42-v2', scale: 'small', seed: 42 });
    expect(file.report.ks).toEqual([10, 50, 200]);
    expect(file.report.users.evaluated.established).toBe(100);
    // The trained feed beats the popularity baseline on both slices (exit 0), as on the medium world.
    expect(file.report.beatsPopularity).toEqual({ new: true, established: true });
    expect(code).toBe(0);
    expect(text).toContain('new: Phoenix feed beats the popularity baseline');
  });
});

describe('train/eval command-line validation', () => {
  async function failure(...args: string[]): Promise<string> {
    const err: string[] = [];
    const cli = buildProgram({ out: () => undefined, err: (t) => err.push(t) });
    cli.exitOverride();
    for (const command of cli.commands) {
      command.copyInheritedSettings(cli);
    }
    const error = await cli.parseAsync(['node', 'foryou', ...args]).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CommanderError);
    return err.join('');
  }

  it.each([
    [['eval', '--k', '0'], 'comma-separated whole numbers in 1…10000'],
    [['eval', '--k', '10,,50'], 'comma-separated whole numbers'],
    [['eval', '--k', 'ten'], 'comma-separated whole numbers'],
    [['eval', '--max-users', '0'], 'must be at least 1 (users per slice)'],
    [['train', '--scale', 'huge'], 'must be one of small, medium, large'],
    [['train', '--seed', '-3'], 'must be at least 0 (world seed)'],
    [['train', '--out', ''], 'must not be empty'],
  ])('%j → %s', async (args, message) => {
    expect(await failure(...args)).toContain(message);
  });
});
