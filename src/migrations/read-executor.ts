import type { Knex } from 'knex';
import { type SqlExecutor, knexExecutor } from './sql-executor.js';
import { sqliteExecutor } from './sqlite-executor.js';

/**
 * Runs knexus's read-only checks outside the lock (ledger shape, knex's history) on a pooled connection.
 *
 * On SQLite the statements go straight to the better-sqlite3 connection, prepared once per connection:
 * through knex each costs tens of microseconds of query building, which counted when hundreds of
 * in-memory apps register back to back. Other dialects read through knex, as before.
 */
export async function withReadExecutor<T>(knex: Knex, client: Parameters<typeof knexExecutor>[1], read: (sql: SqlExecutor) => Promise<T>): Promise<T> {
  if (client !== 'better-sqlite3') return read(knexExecutor(knex, client));
  const connection: unknown = await knex.client.acquireConnection();
  try {
    return await read(sqliteExecutor(connection));
  } finally {
    await knex.client.releaseConnection(connection);
  }
}
