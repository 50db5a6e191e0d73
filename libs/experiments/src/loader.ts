/**
 * Loads `experiments/*.yaml`: parses every file, validates it against the schema (and, optionally, each
 * variant's params against the app's params schema), then checks the invariants across files. It never
 * stops at the first problem: every problem of every file is reported with its file, field path and
 * line:column.
 */
import { readdir, readFile } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { ExperimentDefinitionSchema, type ExperimentDefinition } from './definition';
import { checkInvariants, type FileDefinition } from './invariants';

export interface DefinitionProblem {
  readonly file: string;
  /** The field, e.g. `variants[1].weight`; empty for the whole file. */
  readonly path: string;
  readonly message: string;
  /** `yaml`, a zod issue code, an invariant code, `params` or `key_filename_mismatch`. */
  readonly code: string;
  /** 1-based position of the field (or its closest existing parent) in the file, when known. */
  readonly line: number | null;
  readonly column: number | null;
}

export interface ExperimentSource {
  readonly file: string;
  readonly text: string;
}

export interface LoadOptions {
  /**
   * Validates every variant's `params` (e.g. a strict deep-partial of home-mixer's params schema); its
   * issues are reported at `variants[i].params.…`.
   */
  readonly paramsSchema?: z.ZodType;
}

export interface ValidationResult {
  /** The files whose own content is valid (cross-file problems do not remove them). */
  readonly experiments: readonly FileDefinition[];
  readonly problems: readonly DefinitionProblem[];
}

export class ExperimentDefinitionError extends Error {
  constructor(readonly problems: readonly DefinitionProblem[]) {
    super(
      `${problems.length} problem(s) in experiment definitions:\n${problems.map(formatProblem).join('\n')}`,
    );
    this.name = 'ExperimentDefinitionError';
  }
}

/** `file:line:column path: message`. */
export function formatProblem(p: DefinitionProblem): string {
  const at = p.line === null ? p.file : `${p.file}:${p.line}:${p.column ?? 1}`;
  return `${at} ${p.path === '' ? '(root)' : p.path}: ${p.message} [${p.code}]`;
}

/** `['variants', 1, 'weight']` → `variants[1].weight`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, seg) => {
    if (typeof seg === 'number') {
      return `${acc}[${seg}]`;
    }
    const name = String(seg);
    return acc === '' ? name : `${acc}.${name}`;
  }, '');
}

function locate(
  doc: Document,
  counter: LineCounter,
  path: readonly PropertyKey[],
): { line: number | null; column: number | null } {
  for (let n = path.length; n >= 0; n--) {
    const node: unknown = n === 0 ? doc.contents : doc.getIn(path.slice(0, n) as unknown[], true);
    const range = (node as { range?: readonly [number, number, number] } | null | undefined)?.range;
    if (range) {
      const pos = counter.linePos(range[0]);
      return { line: pos.line, column: pos.col };
    }
  }
  return { line: null, column: null };
}

/** Validates sources already in memory (pure; `loadExperiments` reads a directory and calls this). */
export function validateExperimentSources(
  sources: readonly ExperimentSource[],
  options: LoadOptions = {},
): ValidationResult {
  const problems: DefinitionProblem[] = [];
  const valid: FileDefinition[] = [];
  const docs = new Map<string, { doc: Document; counter: LineCounter }>();

  for (const { file, text } of sources) {
    const counter = new LineCounter();
    const doc = parseDocument(text, { lineCounter: counter, uniqueKeys: true, prettyErrors: false });
    docs.set(file, { doc, counter });
    if (doc.errors.length > 0) {
      for (const e of doc.errors) {
        const pos = e.linePos?.[0] ?? counter.linePos(e.pos[0]);
        problems.push({
          file,
          path: '',
          message: e.message.split('\n')[0] ?? e.message,
          code: 'yaml',
          line: pos.line,
          column: pos.col,
        });
      }
      continue;
    }
    const add = (path: readonly PropertyKey[], message: string, code: string): void => {
      problems.push({ file, path: formatPath(path), message, code, ...locate(doc, counter, path) });
    };
    const parsed = ExperimentDefinitionSchema.safeParse(doc.toJS({ maxAliasCount: 100 }));
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        if (issue.code === 'unrecognized_keys') {
          for (const key of issue.keys) {
            add([...issue.path, key], `unknown field "${key}"`, issue.code);
          }
        } else {
          add(issue.path, issue.message, issue.code);
        }
      }
      continue;
    }
    const definition = parsed.data;
    let ok = true;
    const stem = basename(file, extname(file));
    if (stem !== definition.key) {
      add(['key'], `key "${definition.key}" must match the file name "${stem}"`, 'key_filename_mismatch');
      ok = false;
    }
    if (options.paramsSchema) {
      definition.variants.forEach((v, i) => {
        const result = options.paramsSchema!.safeParse(v.params);
        if (!result.success) {
          ok = false;
          for (const issue of result.error.issues) {
            const base = ['variants', i, 'params', ...issue.path];
            if (issue.code === 'unrecognized_keys') {
              for (const key of issue.keys) {
                add([...base, key], `unknown param "${key}"`, 'params');
              }
            } else {
              add(base, issue.message, 'params');
            }
          }
        }
      });
    }
    if (ok) {
      valid.push({ file, definition });
    }
  }

  for (const p of checkInvariants(valid)) {
    const located = docs.get(p.file);
    problems.push({
      file: p.file,
      path: formatPath(p.path),
      message: p.message,
      code: p.code,
      ...(located ? locate(located.doc, located.counter, p.path) : { line: null, column: null }),
    });
  }
  return { experiments: valid, problems };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) {
      deepFreeze(v);
    }
  }
  return value;
}

/**
 * The repository's `experiments/` (the definitions shipped with the product), found from this module's
 * own location (`libs/experiments/{src,dist}`), so every service and tool defaults to the same files.
 */
export const SHIPPED_EXPERIMENTS_DIR = resolve(__dirname, '..', '..', '..', 'experiments');

/**
 * Reads every `*.yaml` / `*.yml` file of `dir` (not recursive), validates them all and returns the
 * definitions sorted by key, deeply frozen. Throws `ExperimentDefinitionError` listing every problem.
 */
export async function loadExperiments(
  dir: string,
  options: LoadOptions = {},
): Promise<ExperimentDefinition[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
    .map((e) => e.name)
    .sort();
  const sources = await Promise.all(
    names.map(async (name) => ({ file: join(dir, name), text: await readFile(join(dir, name), 'utf8') })),
  );
  const { experiments, problems } = validateExperimentSources(sources, options);
  if (problems.length > 0) {
    throw new ExperimentDefinitionError(problems);
  }
  return experiments
    .map((e) => deepFreeze(e.definition))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
