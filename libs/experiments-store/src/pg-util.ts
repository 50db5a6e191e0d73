import type { Pool, QueryResult, QueryResultRow } from 'pg';

/**
 * Runs one statement in its own transaction with `SET LOCAL enable_nestloop = off, jit = off` when
 * `guard` is true (plain `pool.query` otherwise). SET LOCAL ends with the transaction; the session's
 * settings are untouched.
 *
 * - Nested loops: the attribution and analysis statements aggregate whole experiments. Right after a
 *   bulk load, or for a new experiment whose rows arrived after the last autoanalyze, the planner
 *   believes the tables are tiny and picks nested loops whose inner side is a CTE scan or a filtered
 *   index range — O(n²): 23 s instead of 28 ms for 3,000 units in the tests. Hash and merge joins are
 *   never far from optimal for these statements, so they are forced instead of trusting statistics.
 * - JIT: the planner cannot see that the per-unit aggregates joined to the `units` CTE are unique per
 *   unit, so it overestimates rows by orders of magnitude and PostgreSQL's JIT (on by default, above
 *   cost 100k) compiles the statement: 1.4 s of LLVM time for a 0.33 s query at 100k exposures.
 */
export async function guardedQuery<R extends QueryResultRow>(
  pool: Pool,
  guard: boolean,
  text: string,
  values: readonly unknown[],
): Promise<QueryResult<R>> {
  if (!guard) {
    return pool.query<R>(text, [...values]);
  }
  const client = await pool.connect();
  try {
    await client.query('BEGIN; SET LOCAL enable_nestloop = off; SET LOCAL jit = off');
    const result = await client.query<R>(text, [...values]);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
