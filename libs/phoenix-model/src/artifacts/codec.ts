import { createHash } from 'node:crypto';
import { type ModelParams, type ModelSpec, PARAM_NAMES, paramShapes, zeroParams } from '../model-spec';
import { MODEL_CODE_VERSION } from '../version';

const MAGIC = 'PHX1';

/** The artifact cannot be used: wrong format, checksum, version or shapes. Never served. */
export class ArtifactInvalidError extends Error {
  override readonly name = 'ArtifactInvalidError';
}

interface Header {
  readonly spec: ModelSpec;
  readonly authors: readonly string[];
  readonly tensors: readonly { readonly name: string; readonly length: number }[];
}

/**
 * Serialises weights: "PHX1", u32 LE header length, JSON header (spec, author vocabulary, tensor
 * table), zero padding to a multiple of 4, then every tensor as float32 LE in `PARAM_NAMES` order.
 * Deterministic: equal models give equal bytes.
 */
export function encodeModel(spec: ModelSpec, params: ModelParams, authors: readonly string[]): Buffer {
  const header: Header = {
    spec,
    authors,
    tensors: PARAM_NAMES.map((name) => ({ name, length: params[name].length })),
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const headerEnd = 8 + json.length;
  const dataStart = Math.ceil(headerEnd / 4) * 4;
  const floats = PARAM_NAMES.reduce((n, name) => n + params[name].length, 0);
  const buf = Buffer.alloc(dataStart + floats * 4);
  buf.write(MAGIC, 0, 'latin1');
  buf.writeUInt32LE(json.length, 4);
  json.copy(buf, 8);
  let off = dataStart;
  for (const name of PARAM_NAMES) {
    for (const v of params[name]) {
      buf.writeFloatLE(v, off);
      off += 4;
    }
  }
  return buf;
}

/** Decodes `encodeModel` output, checking the magic, the header and every tensor's shape. */
export function decodeModel(buf: Buffer): { spec: ModelSpec; params: ModelParams; authors: string[] } {
  if (buf.length < 8 || buf.toString('latin1', 0, 4) !== MAGIC) {
    throw new ArtifactInvalidError('not a Phoenix model file (bad magic)');
  }
  const headerLength = buf.readUInt32LE(4);
  if (8 + headerLength > buf.length) {
    throw new ArtifactInvalidError('truncated model header');
  }
  let header: Header;
  try {
    header = JSON.parse(buf.toString('utf8', 8, 8 + headerLength)) as Header;
  } catch {
    throw new ArtifactInvalidError('unreadable model header');
  }
  const { spec, authors } = header;
  if (!validSpec(spec)) {
    throw new ArtifactInvalidError('bad model spec');
  }
  if (!Array.isArray(authors) || !authors.every((a) => typeof a === 'string')) {
    throw new ArtifactInvalidError('bad author vocabulary');
  }
  const params = zeroParams(spec, authors.length);
  const shapes = paramShapes(spec, authors.length);
  let off = Math.ceil((8 + headerLength) / 4) * 4;
  PARAM_NAMES.forEach((name, i) => {
    const expected = shapes[name].reduce((a, b) => a * b, 1);
    if (header.tensors[i]?.name !== name || header.tensors[i]?.length !== expected) {
      throw new ArtifactInvalidError(`tensor ${name}: shape does not match the spec`);
    }
    if (off + expected * 4 > buf.length) {
      throw new ArtifactInvalidError(`truncated tensor ${name}`);
    }
    const t = params[name];
    for (let k = 0; k < expected; k++) {
      t[k] = buf.readFloatLE(off);
      off += 4;
    }
  });
  if (off !== buf.length) {
    throw new ArtifactInvalidError('trailing bytes after the last tensor');
  }
  return { spec, params, authors };
}

const SPEC_KEYS: readonly (keyof ModelSpec)[] = [
  'contentDim',
  'topics',
  'authorDim',
  'towerHidden',
  'embedDim',
  'seqLen',
  'rankHidden',
];

function validSpec(spec: unknown): spec is ModelSpec {
  if (typeof spec !== 'object' || spec === null) {
    return false;
  }
  const record = spec as Record<string, unknown>;
  return SPEC_KEYS.every((k) => {
    const v = record[k];
    return typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 4096;
  });
}

export function sha256Hex(buf: Buffer): string {
  return createHash('sha256').update(buf).digest('hex');
}

/** The content-addressed model version of encoded weights. */
export function modelVersionOf(checksum: string): string {
  return `${MODEL_CODE_VERSION}-${checksum.slice(0, 12)}`;
}
