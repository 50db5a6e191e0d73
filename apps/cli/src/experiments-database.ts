import { Client } from 'pg';

/** The experiments database the demo uses when DATABASE_URL is not set. */
export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/foryou';

const DATABASE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/**
 * Creates the database `url` names if it does not exist yet (connecting to the server's `postgres`
 * database to do so). The workers then migrate its `experiments` schema at boot. Throws a readable
 * Error when the server cannot be reached or the name is not a plain identifier.
 */
export async function ensureDatabase(url: string): Promise<{ readonly created: boolean }> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  if (!DATABASE_NAME.test(name)) {
    throw new Error(
      `DATABASE_URL must name a database with a plain identifier (got ${JSON.stringify(name)})`,
    );
  }
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString(), connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
  } catch (err) {
    throw new Error(
      `PostgreSQL is not reachable at ${target.host} (${err instanceof Error ? err.message : String(err)}); ` +
        'the experiments store needs it (pg_isready, or set DATABASE_URL)',
      { cause: err },
    );
  }
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount === 0) {
      try {
        await client.query(`CREATE DATABASE "${name}"`);
      } catch (err) {
        // Another process created it in between (SQLSTATE 42P04 duplicate_database): that is fine.
        if ((err as { code?: unknown }).code !== '42P04') {
          throw err;
        }
      }
      return { created: true };
    }
    return { created: false };
  } finally {
    await client.end();
  }
}

/** `url` with its password replaced by `***` (for logs and console output). */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') {
      parsed.password = '***';
    }
    return parsed.toString();
  } catch {
    return '<invalid url>';
  }
}
