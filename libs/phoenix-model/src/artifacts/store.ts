import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PhoenixModel } from '../model';
import type { TrainedModel, TrainingReport } from '../training/train';
import { MODEL_CODE_VERSION } from '../version';
import { ArtifactInvalidError, decodeModel, encodeModel, modelVersionOf, sha256Hex } from './codec';

export const MODEL_FILE = 'model.bin';
export const MANIFEST_FILE = 'manifest.json';
const MANIFEST_FORMAT = 1;

/** The manifest written next to the weights. `checksum` is the sha256 of model.bin. */
export interface ArtifactManifest {
  readonly format: number;
  readonly modelVersion: string;
  readonly codeVersion: string;
  readonly corpusVersion: string;
  readonly checksum: { readonly algorithm: 'sha256'; readonly value: string };
  readonly files: { readonly model: string };
  readonly training: TrainingReport;
  readonly writtenAt: string;
}

/** No artifact has been written for this corpus and code version. */
export class ArtifactMissingError extends Error {
  override readonly name = 'ArtifactMissingError';
}

/** `<root>/<corpus version>-<MODEL_CODE_VERSION>`: where a corpus' artifacts live. */
export function artifactDir(root: string, corpusVersion: string): string {
  return join(root, `${corpusVersion}-${MODEL_CODE_VERSION}`);
}

/**
 * Writes model.bin and manifest.json into a fresh temporary directory and renames it into place, so a
 * reader never sees a half-written artifact. An existing artifact is replaced only with `force`;
 * otherwise (or when another writer won the race) the existing one is kept and returned as is.
 */
export function writeArtifacts(
  root: string,
  trained: TrainedModel,
  options: { force?: boolean; now?: Date } = {},
): { dir: string; manifest: ArtifactManifest; replaced: boolean; written: boolean } {
  const { model, report } = trained;
  const dir = artifactDir(root, model.corpusVersion);
  const bytes = encodeModel(model.spec, model.params, model.authors);
  const checksum = sha256Hex(bytes);
  if (modelVersionOf(checksum) !== model.version) {
    throw new ArtifactInvalidError(`model version ${model.version} does not match its weights`);
  }
  const manifest: ArtifactManifest = {
    format: MANIFEST_FORMAT,
    modelVersion: model.version,
    codeVersion: model.codeVersion,
    corpusVersion: model.corpusVersion,
    checksum: { algorithm: 'sha256', value: checksum },
    files: { model: MODEL_FILE },
    training: report,
    writtenAt: (options.now ?? new Date()).toISOString(),
  };
  mkdirSync(root, { recursive: true });
  const existed = existsSync(dir);
  if (existed && !options.force) {
    return { dir, manifest: readManifest(dir), replaced: false, written: false };
  }
  const suffix = `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const tmp = `${dir}.tmp-${suffix}`;
  mkdirSync(tmp);
  try {
    writeFileSync(join(tmp, MODEL_FILE), bytes);
    writeFileSync(join(tmp, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
    let old: string | undefined;
    if (existed) {
      old = `${dir}.old-${suffix}`;
      renameSync(dir, old);
    }
    try {
      renameSync(tmp, dir);
    } catch (error) {
      if (existsSync(dir)) {
        return { dir, manifest: readManifest(dir), replaced: false, written: false }; // lost a race
      }
      throw error;
    } finally {
      if (old) {
        rmSync(old, { recursive: true, force: true });
      }
    }
    return { dir, manifest, replaced: existed, written: true };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function readManifest(dir: string): ArtifactManifest {
  const path = join(dir, MANIFEST_FILE);
  if (!existsSync(path)) {
    throw new ArtifactMissingError(`no ${MANIFEST_FILE} in ${dir}`);
  }
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as ArtifactManifest;
  } catch {
    throw new ArtifactInvalidError(`${path} is not valid JSON`);
  }
}

/**
 * Loads and verifies the artifact of `corpusVersion`: ArtifactMissingError when there is none;
 * ArtifactInvalidError (refuse to serve) when the manifest's format, code version or corpus version
 * differ, the sha256 of model.bin differs from the manifest, or the weights do not decode.
 */
export function loadArtifacts(
  root: string,
  corpusVersion: string,
): { model: PhoenixModel; manifest: ArtifactManifest; dir: string } {
  const dir = artifactDir(root, corpusVersion);
  const manifest = readManifest(dir);
  if (manifest.format !== MANIFEST_FORMAT) {
    throw new ArtifactInvalidError(`manifest format ${String(manifest.format)}, expected ${MANIFEST_FORMAT}`);
  }
  if (manifest.codeVersion !== MODEL_CODE_VERSION) {
    throw new ArtifactInvalidError(
      `artifact code version ${manifest.codeVersion}, expected ${MODEL_CODE_VERSION}`,
    );
  }
  if (manifest.corpusVersion !== corpusVersion) {
    throw new ArtifactInvalidError(`artifact is for corpus ${manifest.corpusVersion}, not ${corpusVersion}`);
  }
  const modelPath = join(dir, MODEL_FILE);
  if (!existsSync(modelPath)) {
    throw new ArtifactInvalidError(`${modelPath} is missing`);
  }
  const bytes = readFileSync(modelPath);
  const checksum = sha256Hex(bytes);
  if (manifest.checksum?.algorithm !== 'sha256' || checksum !== manifest.checksum.value) {
    throw new ArtifactInvalidError(
      `checksum mismatch for ${modelPath}: manifest ${manifest.checksum?.value}, file ${checksum}`,
    );
  }
  if (modelVersionOf(checksum) !== manifest.modelVersion) {
    throw new ArtifactInvalidError(`model version ${manifest.modelVersion} does not match the weights`);
  }
  const { spec, params, authors } = decodeModel(bytes);
  const model: PhoenixModel = {
    version: manifest.modelVersion,
    codeVersion: manifest.codeVersion,
    corpusVersion,
    spec,
    params,
    authors,
  };
  return { model, manifest, dir };
}
