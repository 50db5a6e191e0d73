import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadMigrations, migrate, MIGRATIONS_DIR, type ScratchDatabase } from '@foryou/experiments-store';
import { freshDatabase } from './helpers';

// Real PostgreSQL on a shared, loaded machine: creating, loading and dropping a database takes seconds.
jest.setTimeout(60_000);

describe('migrations', () => {
  let db: ScratchDatabase;
  let scratchDir: string;

  beforeAll(async () => {
    db = await freshDatabase({ migrate: false });
    scratchDir = await mkdtemp(join(tmpdir(), 'exp-migrations-'));
  });

  afterAll(async () => {
    await db.drop();
    await rm(scratchDir, { recursive: true, force: true });
  });

  async function schemaSnapshot(): Promise<string[]> {
    const { rows } = await db.pool.query<{ item: string }>(
      `SELECT c.relkind::text || ' ' || c.relname AS item
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'experiments'
       UNION ALL
       SELECT 'constraint ' || conname FROM pg_constraint
       WHERE connamespace = 'experiments'::regnamespace
       ORDER BY 1`,
    );
    return rows.map((r) => r.item);
  }

  it('should load the shipped files in version order with checksums', async () => {
    const migrations = await loadMigrations();
    expect(migrations.map((m) => m.version)).toEqual([1, 2, 3, 4]);
    expect(migrations.every((m) => /^[0-9a-f]{64}$/.test(m.checksum))).toBe(true);
  });

  it('should apply every migration once, then nothing, leaving the schema unchanged', async () => {
    expect(await migrate(db.pool)).toEqual({ applied: [1, 2, 3, 4], skipped: [] });
    const before = await schemaSnapshot();
    expect(await migrate(db.pool)).toEqual({ applied: [], skipped: [1, 2, 3, 4] });
    expect(await schemaSnapshot()).toEqual(before);
    const { rows } = await db.pool.query<{ version: number; name: string }>(
      'SELECT version, name FROM experiments.schema_migrations ORDER BY version',
    );
    expect(rows).toEqual([
      { version: 1, name: 'core_tables' },
      { version: 2, name: 'attributions' },
      { version: 3, name: 'analysis_indexes' },
      { version: 4, name: 'exposure_serving' },
    ]);
    // The unique keys of the brief exist.
    expect(before).toEqual(
      expect.arrayContaining([
        'constraint assignments_pkey',
        'constraint exposures_pkey',
        'constraint outcomes_pkey',
        'constraint attributions_pkey',
        'constraint kills_pkey',
        'constraint pre_period_covariates_pkey',
        'i exposures_unit_history_idx',
        'v first_exposures',
        'constraint exposures_latency_ms_check',
        'constraint exposures_items_returned_check',
      ]),
    );
  });

  it('should apply concurrent migrators once (advisory lock)', async () => {
    const other = await freshDatabase({ migrate: false });
    try {
      const reports = await Promise.all([migrate(other.pool), migrate(other.pool), migrate(other.pool)]);
      expect(reports.flatMap((r) => r.applied).sort()).toEqual([1, 2, 3, 4]);
      const { rows } = await other.pool.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM experiments.schema_migrations',
      );
      expect(rows[0]?.n).toBe(4);
    } finally {
      await other.drop();
    }
  });

  it('should apply only a new file, and refuse an applied file that was edited', async () => {
    const dir = join(scratchDir, 'm');
    await cp(MIGRATIONS_DIR, dir, { recursive: true });
    await writeFile(join(dir, '0005_extra.sql'), 'CREATE TABLE experiments.extra (id int PRIMARY KEY);\n');
    expect(await migrate(db.pool, { dir })).toEqual({ applied: [5], skipped: [1, 2, 3, 4] });
    expect(await migrate(db.pool, { dir })).toEqual({ applied: [], skipped: [1, 2, 3, 4, 5] });

    await writeFile(join(dir, '0005_extra.sql'), 'CREATE TABLE experiments.extra (id bigint PRIMARY KEY);\n');
    await expect(migrate(db.pool, { dir })).rejects.toThrow(/0005_extra was applied with checksum/);
  });

  it('should roll back a failing migration and record nothing for it', async () => {
    const dir = join(scratchDir, 'bad');
    await cp(MIGRATIONS_DIR, dir, { recursive: true });
    await writeFile(
      join(dir, '0006_broken.sql'),
      'CREATE TABLE experiments.half_done (id int);\nSELECT * FROM experiments.no_such_table;\n',
    );
    await expect(migrate(db.pool, { dir })).rejects.toThrow(/migration 0006_broken failed/);
    const { rows } = await db.pool.query<{ t: string | null; v: number }>(
      `SELECT to_regclass('experiments.half_done')::text AS t,
              (SELECT count(*)::int FROM experiments.schema_migrations WHERE version = 6) AS v`,
    );
    expect(rows[0]).toEqual({ t: null, v: 0 });
  });

  it('should reject a file name that is not NNNN_name.sql', async () => {
    const dir = join(scratchDir, 'badname');
    await cp(MIGRATIONS_DIR, dir, { recursive: true });
    await writeFile(join(dir, '6-oops.sql'), 'SELECT 1;\n');
    await expect(loadMigrations(dir)).rejects.toThrow(/does not match NNNN_name.sql/);
  });
});
