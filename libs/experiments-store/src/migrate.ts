import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Pool } from 'pg';

/**
 * A tiny migrator: plain SQL files `NNNN_name.sql` applied in version order, each in its own
 * transaction together with its row in `experiments.schema_migrations` (version, name, sha256).
 *
 * - Idempotent: an applied version is skipped, so `migrate` can run at every start.
 * - Serialized: a session advisory lock keeps concurrent migrators (several replicas starting at
 *   once) from applying the same file twice.
 * - Tamper-evident: an applied file whose content changed since is an error (write a new migration
 *   instead of editing an applied one).
 */

/** The SQL files shipped with the package (`libs/experiments-store/migrations`), from src/ or dist/. */
export const MIGRATIONS_DIR = resolve(__dirname, '..', 'migrations');

/** Arbitrary constant key of the advisory lock ("exp-mig" in ASCII). */
const LOCK_KEY = 0x6578_706d_6967;

const FILE_PATTERN = /^(\d{4})_([a-z0-9_]+)\.sql$/;

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
  /** sha256 (hex) of the file content with line endings normalized to \n. */
  readonly checksum: string;
}

export interface MigrateOptions {
  /** Defaults to {@link MIGRATIONS_DIR}. */
  readonly dir?: string;
}

export interface MigrationReport {
  /** Versions applied by this call, in order. */
  readonly applied: number[];
  /** Versions that were already applied. */
  readonly skipped: number[];
}

export async function loadMigrations(dir: string = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
  const migrations: Migration[] = [];
  for (const file of files) {
    const match = FILE_PATTERN.exec(file);
    if (match === null) {
      throw new Error(`migration file ${file} does not match NNNN_name.sql`);
    }
    const sql = (await readFile(join(dir, file), 'utf8')).replace(/\r\n/g, '\n');
    migrations.push({
      version: Number(match[1]),
      name: match[2] ?? '',
      sql,
      checksum: createHash('sha256').update(sql).digest('hex'),
    });
  }
  migrations.forEach((m, i) => {
    const previous = migrations[i - 1];
    if (previous !== undefined && previous.version === m.version) {
      throw new Error(`two migrations share version ${m.version}: ${previous.name} and ${m.name}`);
    }
  });
  return migrations;
}

function label(m: Migration): string {
  return `${String(m.version).padStart(4, '0')}_${m.name}`;
}

interface AppliedRow {
  readonly version: number;
  readonly name: string;
  readonly checksum: string;
}

/** Applies the pending migrations. Safe to call concurrently and repeatedly. */
export async function migrate(pool: Pool, options: MigrateOptions = {}): Promise<MigrationReport> {
  const migrations = await loadMigrations(options.dir);
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
    try {
      await client.query(`
        CREATE SCHEMA IF NOT EXISTS experiments;
        CREATE TABLE IF NOT EXISTS experiments.schema_migrations (
          version    integer     PRIMARY KEY,
          name       text        NOT NULL,
          checksum   text        NOT NULL,
          applied_at timestamptz NOT NULL DEFAULT now()
        );
        COMMENT ON TABLE experiments.schema_migrations IS
          'Migrations of @foryou/experiments-store applied to this database (one row per SQL file).';
      `);
      const { rows } = await client.query<AppliedRow>(
        'SELECT version, name, checksum FROM experiments.schema_migrations ORDER BY version',
      );
      const applied = new Map(rows.map((r) => [r.version, r]));
      for (const m of migrations) {
        const done = applied.get(m.version);
        if (done !== undefined && done.checksum !== m.checksum) {
          throw new Error(
            `migration ${label(m)} was applied with checksum ${done.checksum} but the file now ` +
              `hashes to ${m.checksum}; add a new migration instead of editing an applied one`,
          );
        }
      }
      const report: MigrationReport = { applied: [], skipped: [] };
      for (const m of migrations) {
        if (applied.has(m.version)) {
          report.skipped.push(m.version);
          continue;
        }
        await client.query('BEGIN');
        try {
          await client.query(m.sql);
          await client.query(
            'INSERT INTO experiments.schema_migrations (version, name, checksum) VALUES ($1, $2, $3)',
            [m.version, m.name, m.checksum],
          );
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw new Error(`migration ${label(m)} failed: ${(error as Error).message}`, {
            cause: error,
          });
        }
        report.applied.push(m.version);
      }
      return report;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]);
    }
  } finally {
    client.release();
  }
}
