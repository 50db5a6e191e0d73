import type { CandidateBase } from '../core/candidate';
import type { HydratedRow } from '../stages/hydrator';

export type AlignmentViolationKind = 'duplicate_id' | 'missing_id' | 'unknown_id';

export interface JoinResult<C> {
  /** Accepted patch per candidate id. */
  readonly accepted: ReadonlyMap<string, Partial<C>>;
  readonly violations: readonly { readonly kind: AlignmentViolationKind; readonly id: string }[];
}

/**
 * Joins batch results to candidates by id. A row for an id the batch did not contain is `unknown_id`; an
 * id with more than one row is `duplicate_id` (all its rows are rejected: which one is right is
 * unknowable); a candidate without a row is `missing_id`. Order of rows is irrelevant.
 */
export function joinById<C extends CandidateBase>(
  candidates: readonly C[],
  rows: readonly HydratedRow<C>[],
): JoinResult<C> {
  const expected = new Set(candidates.map((c) => c.id));
  const byId = new Map<string, HydratedRow<C>[]>();
  const violations: { kind: AlignmentViolationKind; id: string }[] = [];
  for (const row of rows) {
    if (!expected.has(row.id)) {
      violations.push({ kind: 'unknown_id', id: row.id });
      continue;
    }
    const list = byId.get(row.id) ?? [];
    list.push(row);
    byId.set(row.id, list);
  }
  const accepted = new Map<string, Partial<C>>();
  for (const id of expected) {
    const list = byId.get(id);
    if (!list) {
      violations.push({ kind: 'missing_id', id });
    } else if (list.length > 1) {
      violations.push({ kind: 'duplicate_id', id });
    } else {
      accepted.set(id, list[0]!.patch);
    }
  }
  return { accepted, violations };
}

/** Copies only the owned fields of `patch` onto a copy of `target`; returns the copy and what was set. */
export function applyOwned<T extends object>(
  target: T,
  patch: Partial<T>,
  fields: readonly (keyof T)[],
): { value: T; set: string[] } {
  const value = { ...target };
  const set: string[] = [];
  for (const field of fields) {
    if (Object.prototype.hasOwnProperty.call(patch, field)) {
      value[field] = patch[field] as T[keyof T];
      set.push(String(field));
    }
  }
  return { value, set };
}
