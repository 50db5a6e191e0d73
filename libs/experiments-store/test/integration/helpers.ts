import {
  createScratchDatabase,
  ExperimentAnalysis,
  ExperimentStore,
  migrate,
  type ExposureRow,
  type ScratchDatabase,
  type SyntheticDataset,
} from '@foryou/experiments-store';

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

/** `data` with the serving facts removed from every `everyNth` exposure (as an old producer logged them). */
export function withoutServingFacts(data: SyntheticDataset, everyNth: number): SyntheticDataset {
  return {
    ...data,
    exposures: data.exposures.map((x, i): ExposureRow => {
      if (i % everyNth !== 0) {
        return x;
      }
      const { latencyMs: _l, itemsReturned: _i, requestedItems: _r, ...rest } = x;
      return rest;
    }),
  };
}

/** Ingests the whole dataset into `db`, attributes its outcomes, and returns an analysis over it. */
export async function loadDataset(
  db: ScratchDatabase,
  data: SyntheticDataset,
  experimentKey: string,
  windowMs: number,
): Promise<ExperimentAnalysis> {
  const store = new ExperimentStore(db.pool);
  await store.recordAssignments(data.assignments);
  await store.recordExposures(data.exposures);
  await store.recordOutcomes(data.outcomes);
  await store.recordCovariates(data.covariates);
  await store.attributeOutcomes(experimentKey, windowMs);
  return new ExperimentAnalysis(db.pool);
}
