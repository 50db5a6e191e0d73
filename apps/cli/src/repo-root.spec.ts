import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findRepoRoot } from './repo-root';

describe('findRepoRoot', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'foryou-root-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('skips workspace packages and stops at the manifest with workspaces', () => {
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'root', workspaces: ['apps/*'] }));
    const dist = join(dir, 'apps', 'cli', 'dist');
    mkdirSync(dist, { recursive: true });
    writeFileSync(join(dir, 'apps', 'cli', 'package.json'), JSON.stringify({ name: '@foryou/cli' }));

    expect(findRepoRoot(dist)).toBe(dir);
  });

  it('finds this repository from the CLI sources', () => {
    expect(findRepoRoot()).toBe(join(__dirname, '..', '..', '..'));
  });

  it('fails clearly outside a workspace', () => {
    expect(() => findRepoRoot(dir)).toThrow(/no npm workspace root/);
  });
});
