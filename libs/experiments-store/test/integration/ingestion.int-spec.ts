import {
  ExperimentStore,
  syntheticConfig,
  syntheticDataset,
  type ExposureRow,
  type KillRow,
  type OutcomeRow,
  type ScratchDatabase,
} from '@foryou/experiments-store';
import { freshDatabase } from './helpers';

// Real PostgreSQL on a shared, loaded machine: creating, loading and dropping a database takes seconds.
jest.setTimeout(60_000);

const TABLES = [
  'assignments',
  'exposures',
  'outcomes',
  'kills',
  'pre_period_covariates',
  'attributions',
] as const;

describe('idempotent ingestion', () => {
  let db: ScratchDatabase;
  let store: ExperimentStore;
  const config = syntheticConfig({ seed: 7, units: 600, orphanUnits: 3 });
  const data = syntheticDataset(config);

  beforeAll(async () => {
    db = await freshDatabase();
    // Small statements so that a batch spans several of them.
    store = new ExperimentStore(db.pool, { batchSize: 250 });
  });

  afterAll(async () => {
    await db.drop();
  });

  /** Row counts and an md5 over every business column of every table, in a fixed order. */
  async function snapshot(): Promise<Record<string, { n: number; md5: string }>> {
    const out: Record<string, { n: number; md5: string }> = {};
    for (const table of TABLES) {
      const { rows } = await db.pool.query<{ n: number; md5: string }>(
        `SELECT count(*)::int AS n,
                coalesce(md5(string_agg(t::text, '|' ORDER BY t::text COLLATE "C")), '') AS md5
         FROM experiments.${table} t`,
      );
      out[table] = rows[0]!;
    }
    return out;
  }

  it('should store every row on the first ingestion', async () => {
    expect(await store.recordAssignments(data.assignments)).toEqual({
      received: data.assignments.length,
      inserted: data.assignments.length,
      duplicates: 0,
      conflicts: 0,
    });
    expect(await store.recordExposures(data.exposures)).toEqual({
      received: data.exposures.length,
      inserted: data.exposures.length,
      duplicates: 0,
    });
    expect(await store.recordOutcomes(data.outcomes)).toEqual({
      received: data.outcomes.length,
      inserted: data.outcomes.length,
      duplicates: 0,
    });
    expect(await store.recordCovariates(data.covariates)).toEqual({
      received: data.covariates.length,
      inserted: data.covariates.length,
      duplicates: 0,
    });
    const snap = await snapshot();
    expect(snap['assignments']?.n).toBe(data.assignments.length);
    expect(snap['exposures']?.n).toBe(data.exposures.length);
    expect(snap['outcomes']?.n).toBe(data.outcomes.length);
    expect(snap['pre_period_covariates']?.n).toBe(data.covariates.length);
    expect(data.exposures.length).toBeGreaterThan(250 * 3);
  });

  it('should round-trip the business columns', async () => {
    const x = data.exposures[0]!;
    const { rows } = await db.pool.query<{
      unit_id: string;
      variant: string;
      request_id: string | null;
      triggered: boolean;
      counterfactual: boolean;
      version_vector: unknown;
      exposed_at: Date;
    }>(
      `SELECT unit_id, variant, request_id, triggered, counterfactual, version_vector, exposed_at
       FROM experiments.exposures WHERE exposure_id = $1`,
      [x.exposureId],
    );
    expect(rows[0]).toEqual({
      unit_id: x.unitId,
      variant: x.variant,
      request_id: x.requestId,
      triggered: x.triggered,
      counterfactual: x.counterfactual,
      version_vector: x.versionVector,
      exposed_at: x.exposedAt,
    });
    const dwell = data.outcomes.find((o) => o.eventType === 'dwell')!;
    const { rows: outcome } = await db.pool.query<{ value: number; occurred_at: Date }>(
      'SELECT value, occurred_at FROM experiments.outcomes WHERE unit_id = $1 AND client_event_id = $2',
      [dwell.unitId, dwell.clientEventId],
    );
    expect(outcome[0]).toEqual({ value: dwell.value, occurred_at: dwell.occurredAt });
  });

  it('should change nothing when the same batches are ingested again', async () => {
    const before = await snapshot();
    expect(await store.recordAssignments(data.assignments)).toEqual({
      received: data.assignments.length,
      inserted: 0,
      duplicates: data.assignments.length,
      conflicts: 0,
    });
    expect(await store.recordExposures(data.exposures)).toMatchObject({
      inserted: 0,
      duplicates: data.exposures.length,
    });
    expect(await store.recordOutcomes(data.outcomes)).toMatchObject({
      inserted: 0,
      duplicates: data.outcomes.length,
    });
    expect(await store.recordCovariates(data.covariates)).toMatchObject({
      inserted: 0,
      duplicates: data.covariates.length,
    });
    expect(await snapshot()).toEqual(before);
  });

  it('should keep the first stored version of a replayed key, even with different content', async () => {
    const before = await snapshot();
    const a = data.assignments[0]!;
    const x = data.exposures[1]!;
    const o = data.outcomes[2]!;
    const c = data.covariates[3]!;
    const otherVariant = a.variant === 'control' ? 'treatment' : 'control';
    expect(
      await store.recordAssignments([{ ...a, variant: otherVariant, assignedAt: new Date(0) }, a]),
    ).toEqual({ received: 2, inserted: 0, duplicates: 2, conflicts: 1 });
    expect(await store.recordExposures([{ ...x, variant: 'other', triggered: !x.triggered }])).toEqual({
      received: 1,
      inserted: 0,
      duplicates: 1,
    });
    expect(await store.recordOutcomes([{ ...o, value: 12345, eventType: 'report' }])).toMatchObject({
      inserted: 0,
    });
    expect(await store.recordCovariates([{ ...c, value: c.value + 1 }])).toMatchObject({ inserted: 0 });
    expect(await snapshot()).toEqual(before);
  });

  it('should count repeats inside one batch as duplicates and insert the first', async () => {
    const x: ExposureRow = {
      exposureId: 'batch-dup-1',
      experimentKey: 'exp_other',
      unitId: 'u-batch',
      variant: 'control',
      requestId: null,
      triggered: false,
      exposedAt: new Date('2026-03-03T00:00:00Z'),
    };
    expect(await store.recordExposures([x, { ...x, variant: 'treatment' }, x])).toEqual({
      received: 3,
      inserted: 1,
      duplicates: 2,
    });
    const { rows } = await db.pool.query<{
      variant: string;
      counterfactual: boolean;
      version_vector: unknown;
    }>(
      "SELECT variant, counterfactual, version_vector FROM experiments.exposures WHERE exposure_id = 'batch-dup-1'",
    );
    expect(rows).toEqual([{ variant: 'control', counterfactual: false, version_vector: {} }]);

    const a = { ...data.assignments[5]!, experimentKey: 'exp_other' };
    expect(await store.recordAssignments([a, { ...a, variant: 'zzz' }, a])).toEqual({
      received: 3,
      inserted: 1,
      duplicates: 2,
      conflicts: 1,
    });
  });

  it('should record a kill once', async () => {
    const kill: KillRow = {
      killId: 'kill-1',
      experimentKey: config.experimentKey,
      variant: 'treatment',
      reason: 'guardrail: hides +12%',
      actor: 'guardrail-bot',
      automatic: true,
      createdAt: new Date('2026-03-05T12:00:00Z'),
    };
    expect(await store.recordKill(kill)).toEqual({ received: 1, inserted: 1, duplicates: 0 });
    expect(await store.recordKill({ ...kill, reason: 'changed' })).toEqual({
      received: 1,
      inserted: 0,
      duplicates: 1,
    });
    const { rows } = await db.pool.query<{ reason: string; variant: string | null }>(
      'SELECT reason, variant FROM experiments.kills',
    );
    expect(rows).toEqual([{ reason: 'guardrail: hides +12%', variant: 'treatment' }]);
  });

  it('should reject an invalid batch before writing anything', async () => {
    const before = await snapshot();
    const good: OutcomeRow = {
      clientEventId: 'new-1',
      unitId: 'u-new',
      eventType: 'favorite',
      postId: 'p',
      requestId: null,
      occurredAt: new Date(),
      receivedAt: new Date(),
    };
    await expect(
      store.recordOutcomes([good, { ...good, clientEventId: 'new-2', eventType: 'like' as 'favorite' }]),
    ).rejects.toThrow(/outcomes\[1\]\.eventType/);
    await expect(store.recordOutcomes([{ ...good, value: Number.NaN }])).rejects.toThrow(
      /outcomes\[0\]\.value/,
    );
    await expect(store.recordAssignments([{ ...data.assignments[0]!, bucket: -1 }])).rejects.toThrow(
      /assignments\[0\]\.bucket/,
    );
    await expect(
      store.recordExposures([{ ...data.exposures[0]!, exposedAt: new Date('nope') }]),
    ).rejects.toThrow(/exposures\[0\]\.exposedAt/);
    await expect(store.attributeOutcomes(config.experimentKey, 0)).rejects.toThrow(/positive integer/);
    expect(await snapshot()).toEqual(before);
  });

  it('should accept an empty batch', async () => {
    expect(await store.recordOutcomes([])).toEqual({ received: 0, inserted: 0, duplicates: 0 });
  });

  it('should be enforced by the database too (constraints reject what bypasses the API)', async () => {
    await expect(
      db.pool.query(
        `INSERT INTO experiments.outcomes (client_event_id, unit_id, event_type, value, occurred_at, received_at)
         VALUES ('x', 'u', 'like', 1, now(), now())`,
      ),
    ).rejects.toThrow(/outcomes_event_type_check/);
    await expect(
      db.pool.query(
        `INSERT INTO experiments.outcomes (client_event_id, unit_id, event_type, value, occurred_at, received_at)
         VALUES ('x', 'u', 'dwell', 'NaN', now(), now())`,
      ),
    ).rejects.toThrow(/outcomes_value_finite/);
  });
});
