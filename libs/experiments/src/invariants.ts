/**
 * Invariants across definition files. Each problem is reported on the file that breaks it (for a pair,
 * the later file in path order, naming the earlier one), with the path of the offending field.
 */
import { CONTROL, type ExperimentDefinition } from './definition';
import { flattenParams, jsonEqual, type JsonValue } from './params';

export type InvariantCode =
  | 'duplicate_key'
  | 'duplicate_seed'
  | 'layer_overlap'
  | 'holdout_mismatch'
  | 'param_layer_conflict'
  | 'control_value_mismatch';

export interface InvariantProblem {
  readonly code: InvariantCode;
  readonly file: string;
  readonly path: readonly (string | number)[];
  readonly message: string;
}

export interface FileDefinition {
  readonly file: string;
  readonly definition: ExperimentDefinition;
}

interface Leaf {
  readonly path: string;
  readonly value: JsonValue;
  /** Where the leaf is first set: variants[i].params.… */
  readonly at: readonly (string | number)[];
}

/** Every param path the experiment sets in any variant (first occurrence), and control's leaves. */
function paramLeaves(d: ExperimentDefinition): { all: Leaf[]; control: Leaf[] } {
  const all = new Map<string, Leaf>();
  const control: Leaf[] = [];
  d.variants.forEach((v, i) => {
    for (const leaf of flattenParams(v.params)) {
      const entry = { ...leaf, at: ['variants', i, 'params', ...leaf.path.split('.')] };
      if (!all.has(leaf.path)) {
        all.set(leaf.path, entry);
      }
      if (v.key === CONTROL) {
        control.push(entry);
      }
    }
  });
  return { all: [...all.values()], control };
}

/** Two paths touch the same param when equal or one is a prefix of the other (`a` vs `a.b`). */
function overlapping(p: string, q: string): boolean {
  return p === q || p.startsWith(`${q}.`) || q.startsWith(`${p}.`);
}

function rangesOverlap(a: readonly [number, number], b: readonly [number, number]): boolean {
  return a[0] < b[1] && b[0] < a[1];
}

export function checkInvariants(files: readonly FileDefinition[]): InvariantProblem[] {
  const sorted = [...files].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  const problems: InvariantProblem[] = [];
  const report = (
    code: InvariantCode,
    file: string,
    path: readonly (string | number)[],
    message: string,
  ): void => {
    problems.push({ code, file, path, message });
  };

  // Unique keys and seeds (a shared seed would correlate variant assignment across experiments).
  const keys = new Map<string, string>();
  const seeds = new Map<string, string>();
  for (const { file, definition: d } of sorted) {
    const keyOwner = keys.get(d.key);
    if (keyOwner !== undefined) {
      report('duplicate_key', file, ['key'], `experiment key "${d.key}" is already defined in ${keyOwner}`);
    } else {
      keys.set(d.key, file);
    }
    const seedOwner = seeds.get(d.seed);
    if (seedOwner !== undefined) {
      report('duplicate_seed', file, ['seed'], `seed "${d.seed}" is already used by ${seedOwner}`);
    } else {
      seeds.set(d.seed, file);
    }
  }

  // Mutual exclusion: ranges of one layer never overlap.
  sorted.forEach((b, j) => {
    for (const a of sorted.slice(0, j)) {
      if (
        a.definition.layer.key === b.definition.layer.key &&
        rangesOverlap(a.definition.layer.range, b.definition.layer.range)
      ) {
        const [s, e] = a.definition.layer.range;
        report(
          'layer_overlap',
          b.file,
          ['layer', 'range'],
          `range overlaps [${s}, ${e}) of ${a.definition.key} (${a.file}) in layer "${b.definition.layer.key}"`,
        );
      }
    }
  });

  // Holdouts: one global percentage everywhere; one layer percentage per layer.
  const globalRef = sorted.find((f) => f.definition.holdout?.global !== undefined);
  if (globalRef) {
    const percent = globalRef.definition.holdout!.global!;
    for (const { file, definition: d } of sorted) {
      if (d.holdout?.global !== percent) {
        report(
          'holdout_mismatch',
          file,
          d.holdout ? ['holdout', 'global'] : ['holdout'],
          `the global holdout is ${percent}% (${globalRef.file}); every experiment must declare holdout.global: ${percent}`,
        );
      }
    }
  }
  const layerRefs = new Map<string, FileDefinition>();
  for (const f of sorted) {
    if (f.definition.holdout?.layer !== undefined && !layerRefs.has(f.definition.layer.key)) {
      layerRefs.set(f.definition.layer.key, f);
    }
  }
  for (const { file, definition: d } of sorted) {
    const ref = layerRefs.get(d.layer.key);
    const percent = ref?.definition.holdout?.layer;
    if (ref && d.holdout?.layer !== percent) {
      report(
        'holdout_mismatch',
        file,
        d.holdout ? ['holdout', 'layer'] : ['holdout'],
        `layer "${d.layer.key}" has a ${percent}% holdout (${ref.file}); every experiment of the layer must declare holdout.layer: ${percent}`,
      );
    }
  }

  // Params: a path belongs to one layer (experiments of different layers overlap in units, so two of
  // them setting one param would collide); within a layer, control values of a shared path agree.
  const leaves = sorted.map((f) => ({ ...f, ...paramLeaves(f.definition) }));
  leaves.forEach((b, j) => {
    for (const a of leaves.slice(0, j)) {
      const sameLayer = a.definition.layer.key === b.definition.layer.key;
      if (!sameLayer) {
        for (const lb of b.all) {
          const la = a.all.find((l) => overlapping(l.path, lb.path));
          if (la) {
            report(
              'param_layer_conflict',
              b.file,
              lb.at,
              `"${lb.path}" is also set by ${a.definition.key} (${a.file}, "${la.path}") in layer "${a.definition.layer.key}"; a param belongs to one layer`,
            );
          }
        }
      } else {
        for (const lb of b.control) {
          const la = a.control.find((l) => overlapping(l.path, lb.path));
          if (la && (la.path !== lb.path || !jsonEqual(la.value, lb.value))) {
            report(
              'control_value_mismatch',
              b.file,
              lb.at,
              `control sets "${lb.path}" to ${JSON.stringify(lb.value)} but ${a.definition.key} (${a.file}) sets "${la.path}" to ${JSON.stringify(la.value)}; controls of one layer agree`,
            );
          }
        }
      }
    }
  });
  return problems;
}
