import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { smallWorldModel } from '../testing/tiny-model';
import { ArtifactInvalidError } from './codec';
import {
  ArtifactMissingError,
  artifactDir,
  loadArtifacts,
  MANIFEST_FILE,
  MODEL_FILE,
  writeArtifacts,
} from './store';

const { world, trained } = smallWorldModel();
let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'phoenix-artifacts-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('artifacts', () => {
  it('write → load round-trips the model exactly, under <root>/<world version>-<code version>/', () => {
    const { dir, manifest, written } = writeArtifacts(root, trained);
    expect(written).toBe(true);
    expect(dir).toBe(join(root, `${world.version}-phoenix-v1`));
    expect(readdirSync(root)).toEqual([`${world.version}-phoenix-v1`]); // no temporary left behind
    expect(manifest).toMatchObject({
      modelVersion: trained.model.version,
      corpusVersion: world.version,
      codeVersion: 'phoenix-v1',
      checksum: { algorithm: 'sha256' },
      training: { sizes: trained.report.sizes },
    });
    const loaded = loadArtifacts(root, world.version);
    expect(loaded.model.version).toBe(trained.model.version);
    expect(loaded.model.authors).toEqual(trained.model.authors);
    expect(loaded.model.params).toEqual(trained.model.params);
  });

  it('nothing written → ArtifactMissingError', () => {
    expect(() => loadArtifacts(root, world.version)).toThrow(ArtifactMissingError);
  });

  it('refuses weights whose checksum does not match the manifest', () => {
    const { dir } = writeArtifacts(root, trained);
    const bytes = readFileSync(join(dir, MODEL_FILE));
    bytes[bytes.length - 3] = bytes[bytes.length - 3]! ^ 0xff;
    writeFileSync(join(dir, MODEL_FILE), bytes);
    expect(() => loadArtifacts(root, world.version)).toThrow(/checksum mismatch/);
    expect(() => loadArtifacts(root, world.version)).toThrow(ArtifactInvalidError);
  });

  it('refuses another code version or corpus version', () => {
    const { dir } = writeArtifacts(root, trained);
    const path = join(dir, MANIFEST_FILE);
    const manifest = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    writeFileSync(path, JSON.stringify({ ...manifest, codeVersion: 'phoenix-v0' }));
    expect(() => loadArtifacts(root, world.version)).toThrow(/code version/);
    writeFileSync(path, JSON.stringify({ ...manifest, corpusVersion: 'world-small-1-v1' }));
    expect(() => loadArtifacts(root, world.version)).toThrow(/corpus/);
  });

  it('keeps an existing artifact unless forced, and replaces it atomically when forced', () => {
    writeArtifacts(root, trained);
    const dir = artifactDir(root, world.version);
    writeFileSync(join(dir, 'marker'), 'old');
    expect(writeArtifacts(root, trained).written).toBe(false);
    expect(existsSync(join(dir, 'marker'))).toBe(true);
    const forced = writeArtifacts(root, trained, { force: true });
    expect(forced).toMatchObject({ written: true, replaced: true });
    expect(existsSync(join(dir, 'marker'))).toBe(false);
    expect(readdirSync(root)).toEqual([`${world.version}-phoenix-v1`]);
    expect(loadArtifacts(root, world.version).model.version).toBe(trained.model.version);
  });
});
