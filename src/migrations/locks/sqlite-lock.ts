import { resolve } from 'node:path';
import type { Knex } from 'knex';
import { type AppLock, type AppLockOptions, type LockSession, lockTimeoutError } from './app-lock.js';
import { bindToConnection } from './bind-to-connection.js';
import { KeyedMutex } from './keyed-mutex.js';
import { SavepointSession } from './savepoint-session.js';
import { stopOf } from './session-lock.js';
import { SQLITE_ATTEMPT_MS, SQLITE_DEFAULT_BUSY_MS } from './sqlite-busy.js';
import { sqliteExecutor } from './sqlite-executor.js';
import { SqliteFileSession } from './sqlite-file-session.js';
import { sqliteLockTarget, takeLockFile } from './sqlite-lock-file.js';

const IN_MEMORY = new Set(['', ':memory:']);

/**
 * SQLite's cross-process lock for one database file: an EXCLUSIVE transaction on a side file
 * (`<file>.knexus-lock`, found from the file itself whatever link reached it: see `sqliteLockTarget`),
 * which SQLite's file locks free when the holder dies, even by kill -9. The app's own file is never held in
 * one long transaction: each unit runs in its own transaction on the one pooled connection, and
 * `transaction: false` files run outside any, as in raw knex.
 *
 * better-sqlite3 waits synchronously, freezing the event loop, so every busy timeout while the lock is
 * held is short (`SQLITE_ATTEMPT_MS`) and a busy attempt is retried with asynchronous backoff until
 * `lockTimeout`, on the lock file and on the app's file alike (another writer that is not knexus).
 * Runners of one process queue in a `KeyedMutex` per database file (device and inode) first, so they
 * never wait on each other inside SQLite. An in-memory database is private to its one connection: the
 * queue alone suffices, and its units are savepoints of one outer transaction (cheap when hundreds of
 * apps register).
 */
export class SqliteLock implements AppLock {
  static readonly #queue = new KeyedMutex();

  readonly #knex: Knex;
  readonly #options: AppLockOptions;
  readonly #filename: string | undefined;

  constructor(knex: Knex, options: AppLockOptions) {
    this.#knex = knex;
    this.#options = options;
    const filename = (knex.client.connectionSettings as { filename?: unknown } | undefined)?.filename;
    this.#filename = typeof filename !== 'string' || IN_MEMORY.has(filename) ? undefined : resolve(filename);
  }

  /** Runs `work` holding the database's write lock. */
  async hold<T>(work: (session: LockSession) => Promise<T>): Promise<T> {
    const deadline = performance.now() + this.#options.lockTimeout;
    const timeoutError = (): Error => lockTimeoutError(this.#options);
    const filename = this.#filename;
    if (filename === undefined) {
      return SqliteLock.#queue.run(this.#knex.client, deadline, timeoutError, () => this.#inTransaction(work, undefined));
    }
    // Resolved at each hold: the file exists by now (opening the app created it), and links may change.
    const target = sqliteLockTarget(filename);
    return SqliteLock.#queue.run(target.key, deadline, timeoutError, async () => {
      const { appName } = this.#options;
      const lock = await takeLockFile(this.#knex, target.path, {
        appName,
        deadline,
        timeoutError: timeoutError(),
        stop: stopOf(this.#options),
      });
      try {
        const gate = this.#options.gate;
        return await (gate === undefined ? this.#onFile(work) : gate(() => this.#onFile(work)));
      } finally {
        lock.release();
      }
    });
  }

  /**
   * Runs `work` on one pooled connection of the app's file. That file is not locked for the whole run:
   * each unit is its own transaction there, and `transaction: false` files run outside any (VACUUM,
   * PRAGMA foreign_keys = OFF work as in raw knex).
   */
  async #onFile<T>(work: (session: LockSession) => Promise<T>): Promise<T> {
    const knex = this.#knex;
    const connection: unknown = await knex.client.acquireConnection();
    const raw = connection as { pragma(sql: string): unknown };
    try {
      raw.pragma(`busy_timeout = ${SQLITE_ATTEMPT_MS}`);
      const wait = { ms: this.#options.lockTimeout, timeoutError: () => lockTimeoutError(this.#options), stop: stopOf(this.#options) };
      return await work(new SqliteFileSession(knex, connection, bindToConnection(knex, connection), wait));
    } finally {
      raw.pragma(`busy_timeout = ${SQLITE_DEFAULT_BUSY_MS}`);
      await knex.client.releaseConnection(connection);
    }
  }

  /** Runs `work` in one outer transaction, after `first` (the lock write) when given; commits the units that succeeded even if a later one failed. */
  async #inTransaction<T>(
    work: (session: LockSession) => Promise<T>,
    first: ((outer: Knex.Transaction) => Promise<void>) | undefined,
  ): Promise<T> {
    let outcome: { value: T } | { error: unknown } | undefined;
    try {
      await this.#knex.transaction(async (outer) => {
        if (first !== undefined) await first(outer);
        // A failed unit was already undone by its savepoint: commit the ones before it, then rethrow.
        try {
          // The transaction's own connection: knex hands it out without touching the pool.
          const connection: unknown = await outer.client.acquireConnection();
          outcome = { value: await work(new SavepointSession(outer, sqliteExecutor(connection))) };
        } catch (error) {
          outcome = { error };
        }
      });
    } catch (error) {
      // Prefer the unit's own error over a failed COMMIT that followed it.
      if (outcome === undefined || 'value' in outcome) throw error;
    }
    if (outcome === undefined) throw new Error('knex ended the SQLite lock transaction without running it');
    if ('error' in outcome) throw outcome.error;
    return outcome.value;
  }
}
