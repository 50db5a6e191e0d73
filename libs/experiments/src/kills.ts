/**
 * Kill switches. A kill is an append-only `KillRecord`; the state is a pure fold of the records, so
 * every process that has read the same records computes the same state (no ordering dependence: the
 * earliest record per target wins, ties broken by `kill_id`). A kill never un-happens: restarting a
 * killed experiment means a new definition (new key and seed).
 */
import { CONTROL, type ExperimentDefinition } from './definition';
import type { KillRecord } from './events';

export interface KillSwitchState {
  /** Whole-experiment kills by experiment key (including kills that named `control`). */
  readonly experiments: Readonly<Record<string, KillRecord>>;
  /** Variant kills by experiment key, then variant key. */
  readonly variants: Readonly<Record<string, Readonly<Record<string, KillRecord>>>>;
}

export const EMPTY_KILL_SWITCH_STATE: KillSwitchState = Object.freeze({
  experiments: Object.freeze({}),
  variants: Object.freeze({}),
});

/** The kill state of one experiment, attached to its definition by `applyKills`. */
export interface ExperimentKillState {
  /** The record that killed the whole experiment, or null. */
  readonly experiment: KillRecord | null;
  /** Records that killed single (non-control) variants, by variant key. */
  readonly variants: Readonly<Record<string, KillRecord>>;
}

/** A definition, optionally with its kill state; `assign` treats a missing `kill` as "nothing killed". */
export type KillAwareDefinition = ExperimentDefinition & { readonly kill?: ExperimentKillState };

function earlier(a: KillRecord, b: KillRecord): boolean {
  return a.created_at_ms < b.created_at_ms || (a.created_at_ms === b.created_at_ms && a.kill_id < b.kill_id);
}

/** Folds kill records into a state. Order of `records` does not matter. */
export function buildKillSwitchState(records: readonly KillRecord[]): KillSwitchState {
  const experiments = new Map<string, KillRecord>();
  const variants = new Map<string, Map<string, KillRecord>>();
  for (const r of records) {
    if (r.variant === null || r.variant === CONTROL) {
      const current = experiments.get(r.experiment_key);
      if (!current || earlier(r, current)) {
        experiments.set(r.experiment_key, r);
      }
    } else {
      let byVariant = variants.get(r.experiment_key);
      if (!byVariant) {
        byVariant = new Map();
        variants.set(r.experiment_key, byVariant);
      }
      const current = byVariant.get(r.variant);
      if (!current || earlier(r, current)) {
        byVariant.set(r.variant, r);
      }
    }
  }
  return Object.freeze({
    experiments: Object.freeze(Object.fromEntries(experiments)),
    variants: Object.freeze(
      Object.fromEntries([...variants].map(([k, m]) => [k, Object.freeze(Object.fromEntries(m))] as const)),
    ),
  });
}

function own<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

function toState(kills: KillSwitchState | readonly KillRecord[]): KillSwitchState {
  return Array.isArray(kills) ? buildKillSwitchState(kills) : (kills as KillSwitchState);
}

/**
 * Attaches each definition's kill state (pure; the definitions are not modified). Kills naming unknown
 * experiments or variants are ignored here; `unmatchedKills` lists them.
 */
export function applyKills(
  definitions: readonly ExperimentDefinition[],
  kills: KillSwitchState | readonly KillRecord[],
): KillAwareDefinition[] {
  const state = toState(kills);
  return definitions.map((d) => {
    const byVariant = own(state.variants, d.key) ?? {};
    const variants = Object.fromEntries(
      d.variants
        .filter((v) => v.key !== CONTROL)
        .flatMap((v) => {
          const record = own(byVariant, v.key);
          return record ? [[v.key, record] as const] : [];
        }),
    );
    const kill: ExperimentKillState = Object.freeze({
      experiment: own(state.experiments, d.key) ?? null,
      variants: Object.freeze(variants),
    });
    return { ...d, kill };
  });
}

/** Kill records that name an experiment or variant none of the definitions has (likely a typo). */
export function unmatchedKills(
  definitions: readonly ExperimentDefinition[],
  records: readonly KillRecord[],
): KillRecord[] {
  const byKey = new Map(definitions.map((d) => [d.key, d] as const));
  return records.filter((r) => {
    const d = byKey.get(r.experiment_key);
    return !d || (r.variant !== null && !d.variants.some((v) => v.key === r.variant));
  });
}
