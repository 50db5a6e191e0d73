/**
 * Test helpers: load the scipy/mpmath golden fixtures (../../fixtures/*.json, written by
 * fixtures/generate.py) and compare results with them at 1e-9 relative / 1e-12 absolute.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const REL_TOL = 1e-9;
export const ABS_TOL = 1e-12;

/**
 * Keys whose values are probabilities that may be legitimately tiny (1e-30, 1e-200): they are
 * always compared RELATIVELY, never with the absolute 1e-12 floor (which would accept any
 * value for a p of 1e-30).
 */
const RELATIVE_ONLY_KEYS = new Set(['pValue', 'alwaysValidPValue', 'worstDayBonferroniP', 'likelihoodRatio']);

export interface CompareOptions {
  /** Compare every number relatively (for arrays of tail probabilities). */
  readonly relativeOnly?: boolean;
}

export interface FixtureCase<I> {
  readonly name: string;
  readonly kind?: string;
  readonly input: I;
  readonly expected: unknown;
}

export interface FixtureFile<I> {
  readonly generator: string;
  readonly versions: Readonly<Record<string, string>>;
  readonly method: string;
  readonly cases: readonly FixtureCase<I>[];
}

export function loadFixture<I>(name: string): FixtureFile<I> {
  const text = readFileSync(join(__dirname, '..', '..', 'fixtures', `${name}.json`), 'utf8');
  return JSON.parse(text) as FixtureFile<I>;
}

/** Cases of one `kind` (for fixture files mixing several functions). */
export function casesOf<I>(file: FixtureFile<unknown>, kind: string): FixtureCase<I>[] {
  return file.cases.filter((c) => c.kind === kind) as FixtureCase<I>[];
}

export interface Mismatch {
  readonly path: string;
  readonly actual: unknown;
  readonly expected: unknown;
}

export interface Comparison {
  readonly mismatches: Mismatch[];
  /** Largest |actual − expected|/|expected| over expected values with |expected| > ABS_TOL. */
  readonly maxRelError: number;
  /** Largest |actual − expected| over expected values with |expected| ≤ ABS_TOL. */
  readonly maxAbsErrorNearZero: number;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Walks `expected` and compares every leaf with the same path in `actual`. Numbers must agree
 * within max(REL_TOL·|expected|, ABS_TOL), or within REL_TOL·|expected| alone for p-value keys
 * and `relativeOnly`; `null` in a fixture stands for NaN or null. Keys present only in `actual`
 * are ignored.
 */
export function compareGolden(actual: unknown, expected: unknown, options: CompareOptions = {}): Comparison {
  const mismatches: Mismatch[] = [];
  let maxRelError = 0;
  let maxAbsErrorNearZero = 0;
  const walk = (a: unknown, e: unknown, path: string, relativeOnly: boolean): void => {
    if (e === null) {
      if (!(a === null || a === undefined || (typeof a === 'number' && Number.isNaN(a)))) {
        mismatches.push({ path, actual: a, expected: e });
      }
      return;
    }
    if (typeof e === 'number') {
      if (typeof a !== 'number' || Number.isNaN(a)) {
        mismatches.push({ path, actual: a, expected: e });
        return;
      }
      const err = a === e ? 0 : Math.abs(a - e);
      if (relativeOnly || Math.abs(e) > ABS_TOL) {
        maxRelError = Math.max(
          maxRelError,
          e === 0 ? (err === 0 ? 0 : Number.POSITIVE_INFINITY) : err / Math.abs(e),
        );
      } else {
        maxAbsErrorNearZero = Math.max(maxAbsErrorNearZero, err);
      }
      const tolerance = relativeOnly ? REL_TOL * Math.abs(e) : Math.max(REL_TOL * Math.abs(e), ABS_TOL);
      if (!(err <= tolerance)) {
        mismatches.push({ path, actual: a, expected: e });
      }
      return;
    }
    if (Array.isArray(e)) {
      if (!Array.isArray(a) || a.length !== e.length) {
        mismatches.push({
          path: `${path}.length`,
          actual: Array.isArray(a) ? a.length : a,
          expected: e.length,
        });
        return;
      }
      e.forEach((item, i) => walk(a[i], item, `${path}[${i}]`, relativeOnly));
      return;
    }
    if (isRecord(e)) {
      if (!isRecord(a)) {
        mismatches.push({ path, actual: a, expected: e });
        return;
      }
      for (const [key, value] of Object.entries(e)) {
        walk(a[key], value, `${path}.${key}`, relativeOnly || RELATIVE_ONLY_KEYS.has(key));
      }
      return;
    }
    if (a !== e) {
      mismatches.push({ path, actual: a, expected: e });
    }
  };
  walk(actual, expected, '$', options.relativeOnly ?? false);
  return { mismatches, maxRelError, maxAbsErrorNearZero };
}

/**
 * Asserts that `actual` matches the golden `expected`. When EXPERIMENTS_STATS_ERROR_REPORT names
 * a file, one JSON line per comparison is appended to it (used to report the max errors).
 */
export function expectGolden(
  actual: unknown,
  expected: unknown,
  label: string,
  options: CompareOptions = {},
): void {
  const result = compareGolden(actual, expected, options);
  const report = process.env['EXPERIMENTS_STATS_ERROR_REPORT'];
  if (report) {
    appendFileSync(
      report,
      `${JSON.stringify({ label, maxRelError: result.maxRelError, maxAbsErrorNearZero: result.maxAbsErrorNearZero })}\n`,
    );
  }
  expect(result.mismatches).toEqual([]);
}

/** Asserts that a result does NOT match the golden values (the comparison is able to fail). */
export function expectNotGolden(actual: unknown, expected: unknown, options: CompareOptions = {}): void {
  expect(compareGolden(actual, expected, options).mismatches.length).toBeGreaterThan(0);
}
