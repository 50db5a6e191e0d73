import { createScratchDatabase, migrate, type ScratchDatabase } from '@foryou/experiments-store';

/** A fresh, migrated database with a unique name (`exp_test_<pid>_<hex>`); drop it in afterAll. */
export async function freshDatabase(options: { migrate?: boolean } = {}): Promise<ScratchDatabase> {
  const db = await createScratchDatabase({ prefix: 'exp_test', pool: { max: 4 } });
  if (options.migrate ?? true) {
    await migrate(db.pool);
  }
  return db;
}

/** |a − e| ≤ rel·max(1, |e|) for every field, with a readable failure. */
export function expectClose<T extends object>(actual: T, expected: T, rel = 1e-9, label = ''): void {
  for (const [k, e] of Object.entries(expected) as [string, number][]) {
    const a = (actual as Record<string, number>)[k];
    if (typeof a !== 'number' || Math.abs(a - e) > rel * Math.max(1, Math.abs(e))) {
      throw new Error(`${label}.${k}: expected ${e}, got ${String(a)}`);
    }
  }
}

export function expectAllClose<T extends object>(
  actual: readonly T[],
  expected: readonly T[],
  label: string,
): void {
  expect(actual).toHaveLength(expected.length);
  expected.forEach((e, i) => expectClose(actual[i]!, e, 1e-9, `${label}[${i}]`));
}

export const HOUR = 3_600_000;
export const MIN = 60_000;
