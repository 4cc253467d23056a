import type { Knex } from 'knex';
import type { AppLock, AppLockOptions, LockSession } from './app-lock.js';
import { holdOnSession, type SessionLockQueries } from './session-lock.js';

// GET_LOCK names are server-wide and at most 64 characters: hash the database, schema, table and app
// into 'knexus:' plus 56 hex digits, computed server-side so DATABASE() is the connection's own.
const LOCK_NAME = "concat('knexus:', left(sha2(concat_ws(':', database(), ?, ?, ?), 256), 56))";
const TRY_LOCK = `select get_lock(${LOCK_NAME}, 0) as locked`;
const UNLOCK = `select release_lock(${LOCK_NAME}) as released`;

/**
 * A MySQL/MariaDB named lock (`GET_LOCK`) per app and ledger, held on one pooled connection that also
 * runs every migration; the server frees it when that connection closes.
 */
export class MysqlLock implements AppLock {
  readonly #knex: Knex;
  readonly #options: AppLockOptions;
  readonly #bindings: readonly string[];

  constructor(knex: Knex, options: AppLockOptions) {
    this.#knex = knex;
    this.#options = options;
    this.#bindings = Object.freeze([options.schema ?? '', options.tableName, options.appName]);
  }

  /** Runs `work` holding the named lock. */
  hold<T>(work: (session: LockSession) => Promise<T>): Promise<T> {
    return holdOnSession(this.#knex, this.#options, this.#queries, work);
  }

  readonly #queries: SessionLockQueries = {
    tryLock: async (db) => Number(firstRow(await db.raw(TRY_LOCK, [...this.#bindings]))['locked']) === 1,
    unlock: (db) => db.raw(UNLOCK, [...this.#bindings]),
  };
}

function firstRow(result: unknown): Record<string, unknown> {
  const [rows] = result as [Record<string, unknown>[]];
  return rows[0] ?? {};
}
