import type { Knex } from 'knex';
import { dialectOf } from '../dialects/dialect-of.js';
import { type SqlExecutor, knexExecutor } from './sql-executor.js';
import { SQLITE_ATTEMPT_MS, SQLITE_DEFAULT_BUSY_MS, retryWhileBusy } from './locks/sqlite-busy.js';
import { sqliteExecutor } from './locks/sqlite-executor.js';
import type { SqliteWait } from './locks/sqlite-file-session.js';

const IN_MEMORY = new Set(['', ':memory:']);

/**
 * Runs knexus's read-only checks outside the lock (ledger shape, knex's history) on a pooled connection.
 *
 * On SQLite the statements go straight to the better-sqlite3 connection, prepared once per connection:
 * through knex each costs tens of microseconds of query building, which counted when hundreds of
 * in-memory apps register back to back. Other dialects read through knex.
 *
 * On a SQLite file another process may hold locked (an EXCLUSIVE write, knexus or not), the reads are
 * retried in short attempts with asynchronous backoff for at most `wait.ms`, instead of freezing the
 * event loop in better-sqlite3's 5 s busy wait; reading twice changes nothing.
 */
export async function withReadExecutor<T>(
  knex: Knex,
  client: Parameters<typeof knexExecutor>[1],
  read: (sql: SqlExecutor) => Promise<T>,
  wait?: SqliteWait,
): Promise<T> {
  if (!dialectOf(client).fileDatabase) return read(knexExecutor(knex, client));
  const connection: unknown = await knex.client.acquireConnection();
  try {
    if (wait === undefined || !onFile(knex)) return await read(sqliteExecutor(connection));
    const raw = connection as { pragma(sql: string): unknown };
    raw.pragma(`busy_timeout = ${SQLITE_ATTEMPT_MS}`);
    try {
      return await retryWhileBusy(() => read(sqliteExecutor(connection)), performance.now() + wait.ms, wait.timeoutError(), wait.stop);
    } finally {
      raw.pragma(`busy_timeout = ${SQLITE_DEFAULT_BUSY_MS}`);
    }
  } finally {
    await knex.client.releaseConnection(connection);
  }
}

function onFile(knex: Knex): boolean {
  const filename = (knex.client.connectionSettings as { filename?: unknown } | undefined)?.filename;
  return typeof filename === 'string' && !IN_MEMORY.has(filename);
}
