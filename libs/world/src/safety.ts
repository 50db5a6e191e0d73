import { type Rng } from './rng';
import { type SafetyLabel, type SafetyLookup } from './types';

/** Label codes used in `SafetyTable.truth`, least to most risky. */
export const LABELS: readonly SafetyLabel[] = ['safe', 'low_risk', 'medium_risk', 'unsafe'];
export const LABEL_SAFE = 0;
export const LABEL_LOW = 1;
export const LABEL_MEDIUM = 2;

/** Lookup-state codes used in `SafetyTable.lookup`. */
export const LOOKUP_PRESENT = 0;
export const LOOKUP_NOT_FOUND = 1;
export const LOOKUP_DEPENDENCY_ERROR = 2;

/**
 * Per-post safety data. `truth` is the hidden ground-truth label (used by the engagement
 * simulator even when the lookup fails); `lookup` says what the label service answers.
 */
export interface SafetyTable {
  readonly truth: Uint8Array;
  readonly lookup: Uint8Array;
}

const LOW_SHARE = 0.1;
const MEDIUM_SHARE = 0.05;
const UNSAFE_SHARE = 0.01;
const NOT_FOUND_SHARE = 0.005;

/** ~84% safe, 10% low_risk, 5% medium_risk, 1% unsafe; ~0.5% of lookups not_found. */
export function generateSafety(rng: Rng, count: number): SafetyTable {
  const truth = new Uint8Array(count);
  const lookup = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const u = rng.next();
    truth[i] =
      u < UNSAFE_SHARE
        ? 3
        : u < UNSAFE_SHARE + MEDIUM_SHARE
          ? 2
          : u < UNSAFE_SHARE + MEDIUM_SHARE + LOW_SHARE
            ? 1
            : 0;
    lookup[i] = rng.next() < NOT_FOUND_SHARE ? LOOKUP_NOT_FOUND : LOOKUP_PRESENT;
  }
  return { truth, lookup };
}

const NOT_FOUND: SafetyLookup = Object.freeze({ state: 'not_found' });
const DEPENDENCY_ERROR: SafetyLookup = Object.freeze({
  state: 'dependency_error',
  reason: 'safety-label service unavailable (synthetic fault)',
});
const PRESENT: readonly SafetyLookup[] = LABELS.map((label): SafetyLookup =>
  Object.freeze({ state: 'present', label }),
);

/** The label service's answer for row `row`; shared frozen objects, no allocation. */
export function lookupSafety(table: SafetyTable, row: number): SafetyLookup {
  const state = table.lookup[row];
  if (state === LOOKUP_PRESENT) {
    return PRESENT[table.truth[row]!]!;
  }
  return state === LOOKUP_DEPENDENCY_ERROR ? DEPENDENCY_ERROR : NOT_FOUND;
}

export function unknownPostLookup(): SafetyLookup {
  return NOT_FOUND;
}
