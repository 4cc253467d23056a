import type { LockIdentity, SessionLockQueries } from '../dialect.js';

// GET_LOCK names are server-wide and at most 64 characters: hash the database, schema, table and app
// into 'knexus:' plus 56 hex digits, computed server-side so DATABASE() is the connection's own.
const LOCK_NAME = "concat('knexus:', left(sha2(concat_ws(':', database(), ?, ?, ?), 256), 56))";
const TRY_LOCK = `select get_lock(${LOCK_NAME}, 0) as locked`;
const UNLOCK = `select release_lock(${LOCK_NAME}) as released`;

/** A MySQL/MariaDB named lock (`GET_LOCK`) per app and ledger; the server frees it when its connection closes. */
export function mysqlLockQueries(lock: LockIdentity): () => SessionLockQueries {
  const bindings = [lock.schema ?? '', lock.tableName, lock.appName];
  const queries: SessionLockQueries = {
    tryLock: async (db) => Number(firstRow(await db.raw(TRY_LOCK, bindings))['locked']) === 1,
    unlock: (db) => db.raw(UNLOCK, bindings),
  };
  return () => queries;
}

function firstRow(result: unknown): Record<string, unknown> {
  const [rows] = result as [Record<string, unknown>[]];
  return rows[0] ?? {};
}
