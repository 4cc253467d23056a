import type { Knex } from 'knex';
import { type AppLock, type AppLockOptions, type LockSession, connectionUnit, lockTimeoutError } from './app-lock.js';
import { bindToConnection } from './bind-to-connection.js';
import { pollLock } from './poll-lock.js';

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
  async hold<T>(work: (session: LockSession) => Promise<T>): Promise<T> {
    const timeoutError = lockTimeoutError(this.#options);
    const deadline = performance.now() + this.#options.lockTimeout;
    const knex = this.#knex;
    const connection: unknown = await knex.client.acquireConnection();
    try {
      const db = bindToConnection(knex, connection);
      await pollLock(async () => Number(firstRow(await db.raw(TRY_LOCK, [...this.#bindings]))['locked']) === 1, deadline, timeoutError);
      const session: LockSession = {
        unit: (unitWork, transactional) => connectionUnit(knex, connection, db, this.#options.client, unitWork, transactional),
      };
      try {
        return await work(session);
      } finally {
        // A failed release means the connection is gone, and the server dropped the lock with it.
        await db.raw(UNLOCK, [...this.#bindings]).catch(() => undefined);
      }
    } finally {
      await knex.client.releaseConnection(connection);
    }
  }
}

function firstRow(result: unknown): Record<string, unknown> {
  const [rows] = result as [Record<string, unknown>[]];
  return rows[0] ?? {};
}
