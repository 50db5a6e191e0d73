import { randomBytes } from 'node:crypto';
import { Client, Pool, type PoolConfig } from 'pg';

/**
 * Throw-away databases for integration tests and the benchmark: a fresh database with a unique name,
 * created through the maintenance database and dropped afterwards (its connections terminated first).
 */

/** Maintenance database URL. `EXPERIMENTS_STORE_ADMIN_URL` overrides the local default. */
export function adminUrl(): string {
  return process.env['EXPERIMENTS_STORE_ADMIN_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

export interface ScratchDatabaseOptions {
  /** Default {@link adminUrl}(). */
  readonly adminUrl?: string;
  /** Name prefix, [a-z0-9_]. Default `exp_test`. */
  readonly prefix?: string;
  /** Extra pool settings for the scratch database (max, statement_timeout, ...). */
  readonly pool?: Omit<PoolConfig, 'connectionString'>;
}

export interface ScratchDatabase {
  /** `<prefix>_<pid>_<random hex>`. */
  readonly name: string;
  readonly url: string;
  readonly pool: Pool;
  /** Ends the pool, terminates any other connection to the database and drops it. Idempotent. */
  drop(): Promise<void>;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

async function withAdmin<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function dropDatabase(name: string, url: string = adminUrl()): Promise<void> {
  if (!IDENTIFIER.test(name)) {
    throw new RangeError(`refusing to drop database ${JSON.stringify(name)}: not a plain identifier`);
  }
  await withAdmin(url, async (admin) => {
    await admin.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [name],
    );
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  });
}

export async function createScratchDatabase(options: ScratchDatabaseOptions = {}): Promise<ScratchDatabase> {
  const admin = options.adminUrl ?? adminUrl();
  const prefix = options.prefix ?? 'exp_test';
  const name = `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
  if (!IDENTIFIER.test(name)) {
    throw new RangeError(`invalid database name ${JSON.stringify(name)}: use a prefix of [a-z0-9_]`);
  }
  await withAdmin(admin, (client) => client.query(`CREATE DATABASE "${name}"`));
  const parsed = new URL(admin);
  parsed.pathname = `/${name}`;
  const url = parsed.toString();
  const pool = new Pool({ ...options.pool, connectionString: url });
  let dropped = false;
  return {
    name,
    url,
    pool,
    async drop() {
      if (dropped) {
        return;
      }
      dropped = true;
      await pool.end();
      await dropDatabase(name, admin);
    },
  };
}
