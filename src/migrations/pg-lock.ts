import type { Knex } from 'knex';
import type { AppLock, AppLockOptions, LockSession } from './app-lock.js';
import { advisoryKey } from './advisory-key.js';
import { holdOnSession, type SessionLockQueries } from './session-lock.js';

// While we hold the lock, the server checks every 500 ms that we are still connected (PostgreSQL 14+,
// Linux): otherwise a holder killed during a long statement keeps the lock until that statement ends.
// Reading the setting through pg_settings makes this a no-op on servers that lack it.
const CHECK_CONNECTION = "select set_config(name, '500', false) from pg_settings where name = 'client_connection_check_interval'";
const RESET_CHECK = "select set_config(name, reset_val, false) from pg_settings where name = 'client_connection_check_interval'";
const TRY_LOCK = `select pg_try_advisory_lock(?::bigint) as locked, (${CHECK_CONNECTION}) as checking`;
// Waiting for a busy lock: a transaction-level lock on the same key, under a lock_timeout local to
// that one statement, returns the moment the holder unlocks and is gone when the statement ends, also
// when it fails. The session lock itself is then only ever taken by TRY_LOCK, which never waits: a
// lock timeout that fires as the wait succeeds (PostgreSQL may still report it) can then never leave
// a session lock behind that this process believes it does not hold.
const WAIT_FREE = "select pg_advisory_xact_lock(?::bigint) from (select set_config('lock_timeout', ?, true)) as bounded";
const LOCK_NOT_AVAILABLE = '55P03';
const UNLOCK = `select pg_advisory_unlock(?::bigint) as unlocked, (${RESET_CHECK}) as checking`;

/**
 * A PostgreSQL session-level advisory lock per app and ledger, held on one pooled connection that also
 * runs every migration, so a pool of one suffices and the lock dies with a killed holder's session.
 * A busy lock is waited for in the database (see WAIT_FREE), so the waiter takes it the moment the
 * holder unlocks rather than at its next poll.
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
  hold<T>(work: (session: LockSession) => Promise<T>): Promise<T> {
    return holdOnSession(this.#knex, this.#options, this.#queries, work);
  }

  readonly #queries: SessionLockQueries = {
    tryLock: async (db) => firstRow(await db.raw(TRY_LOCK, [this.#key]))['locked'] === true,
    unlock: (db) => db.raw(UNLOCK, [this.#key]),
    abandon: (db) => db.raw(RESET_CHECK),
    wait: async (db, ms) => {
      try {
        await db.raw(WAIT_FREE, [this.#key, `${Math.max(1, Math.ceil(ms))}ms`]);
        return await this.#queries.tryLock(db);
      } catch (error) {
        if ((error as { code?: unknown } | null)?.code === LOCK_NOT_AVAILABLE) return false;
        throw error;
      }
    },
  };
}

function firstRow(result: unknown): Record<string, unknown> {
  return ((result as { rows: Record<string, unknown>[] }).rows[0] ?? {}) as Record<string, unknown>;
}
