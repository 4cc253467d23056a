import type { Knex } from 'knex';
import { type AppLock, type AppLockOptions, type LockSession, connectionUnit, lockTimeoutError } from './app-lock.js';
import { bindToConnection } from './bind-to-connection.js';
import { advisoryKey } from './advisory-key.js';
import { pollLock } from './poll-lock.js';

// While we hold the lock, the server checks every 500 ms that we are still connected (PostgreSQL 14+,
// Linux): otherwise a holder killed during a long statement keeps the lock until that statement ends.
// Reading the setting through pg_settings makes this a no-op on servers that lack it.
const CHECK_CONNECTION = "select set_config(name, '500', false) from pg_settings where name = 'client_connection_check_interval'";
const RESET_CHECK = "select set_config(name, reset_val, false) from pg_settings where name = 'client_connection_check_interval'";
const TRY_LOCK = `select pg_try_advisory_lock(?::bigint) as locked, (${CHECK_CONNECTION}) as checking`;
const UNLOCK = `select pg_advisory_unlock(?::bigint) as unlocked, (${RESET_CHECK}) as checking`;

/**
 * A PostgreSQL session-level advisory lock per app and ledger, held on one pooled connection that also
 * runs every migration, so a pool of one suffices and the lock dies with a killed holder's session.
 */
export class PgLock implements AppLock {
  readonly #knex: Knex;
  readonly #options: AppLockOptions;
  readonly #key: string;

  constructor(knex: Knex, options: AppLockOptions) {
    this.#knex = knex;
    this.#options = options;
    this.#key = advisoryKey('app', options.schema ?? '', options.tableName, options.appName);
  }

  /** Runs `work` holding the advisory lock. */
  async hold<T>(work: (session: LockSession) => Promise<T>): Promise<T> {
    const timeoutError = lockTimeoutError(this.#options);
    const deadline = performance.now() + this.#options.lockTimeout;
    const knex = this.#knex;
    const connection: unknown = await knex.client.acquireConnection();
    try {
      const db = bindToConnection(knex, connection);
      try {
        await pollLock(async () => firstRow(await db.raw(TRY_LOCK, [this.#key]))['locked'] === true, deadline, timeoutError);
      } catch (error) {
        await db.raw(RESET_CHECK).catch(() => undefined);
        throw error;
      }
      const session: LockSession = {
        unit: (unitWork, transactional) => connectionUnit(knex, connection, db, this.#options.client, unitWork, transactional),
      };
      try {
        return await work(session);
      } finally {
        // A failed unlock means the connection is gone, and with it the session that held the lock.
        await db.raw(UNLOCK, [this.#key]).catch(() => undefined);
      }
    } finally {
      await knex.client.releaseConnection(connection);
    }
  }
}

function firstRow(result: unknown): Record<string, unknown> {
  return ((result as { rows: Record<string, unknown>[] }).rows[0] ?? {}) as Record<string, unknown>;
}
