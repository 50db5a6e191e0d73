import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliError } from '../io';
import { runTrain, type TrainOptions } from './train.command';

jest.setTimeout(60_000);

describe('foryou train (small world)', () => {
  let out: string;
  const lines: string[] = [];
  const io = { out: (t: string) => lines.push(t), err: (t: string) => lines.push(t) };
  const options = (): TrainOptions => ({ scale: 'small', seed: 42, out, force: false });

  beforeAll(() => {
    out = mkdtempSync(join(tmpdir(), 'foryou-train-'));
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));
  beforeEach(() => (lines.length = 0));

  it('trains, reports epochs and a summary, and writes the artifact with its HNSW index', async () => {
    expect(await runTrain(options(), { io, interactive: false })).toBe(0);
    const text = lines.join('');
    expect(text).toContain('World world-small-42-v2: 1,000 users, 10,000 posts');
    expect(text).toMatch(/retrieval epoch 1\/2 · loss \d/);
    expect(text).toMatch(/ranking epoch 2\/2 · loss \d/);
    expect(text).toMatch(/Trained phoenix-v1-[0-9a-f]{12} → /);
    expect(text).toMatch(/holdout [\d.]+ vs base rate [\d.]+/);
    expect(text).toMatch(/HNSW index [\d.]+ s \(built, 10,000 posts\)/);
    const dir = join(out, 'world-small-42-v2-phoenix-v1');
    expect(readdirSync(dir).sort()).toEqual([
      expect.stringMatching(/^index-.*\.hnsw$/),
      'manifest.json',
      'model.bin',
    ]);
  });

  it('does nothing when a valid artifact exists (without --force)', async () => {
    expect(await runTrain(options(), { io, interactive: false })).toBe(0);
    expect(lines.join('')).toMatch(
      /Model phoenix-v1-[0-9a-f]{12} is already trained in .* \(use --force to retrain\)/,
    );
    expect(lines.join('')).not.toContain('epoch');
  });

  it('refuses a corrupted artifact without --force and replaces it with --force', async () => {
    const model = join(out, 'world-small-42-v2-phoenix-v1', 'model.bin');
    const bytes = readFileSync(model);
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0xff;
    writeFileSync(model, bytes);
    await expect(runTrain(options(), { io, interactive: false })).rejects.toThrow(CliError);
    await expect(runTrain(options(), { io, interactive: false })).rejects.toThrow(
      /checksum mismatch.*--force/,
    );
    expect(await runTrain({ ...options(), force: true }, { io, interactive: false })).toBe(0);
    expect(existsSync(model)).toBe(true);
    lines.length = 0;
    expect(await runTrain(options(), { io, interactive: false })).toBe(0);
    expect(lines.join('')).toContain('is already trained');
  });
});
