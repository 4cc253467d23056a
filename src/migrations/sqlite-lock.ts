import { resolve } from 'node:path';
import type { Knex } from 'knex';
import { type AppLock, type AppLockOptions, type LockSession, lockTimeoutError } from './app-lock.js';
import { KeyedMutex } from './keyed-mutex.js';
import { SavepointSession } from './savepoint-session.js';
import { type SessionLockQueries, holdOnSession, stopOf } from './session-lock.js';
import { SQLITE_ATTEMPT_MS, retryWhileBusy } from './sqlite-busy.js';
import { sqliteExecutor } from './sqlite-executor.js';

const IN_MEMORY = new Set(['', ':memory:']);

/**
 * SQLite's cross-process lock for one database file: an EXCLUSIVE transaction on a side file
 * (`<file>.knexus-lock`), which SQLite's file locks free when the holder dies, even by kill -9. The app's
 * own file is never held in one long transaction: each unit runs in its own transaction on the one pooled
 * connection, and `transaction: false` files run outside any, as in raw knex.
 *
 * better-sqlite3 waits synchronously, freezing the event loop, so the lock file's busy timeout is short
 * (`SQLITE_ATTEMPT_MS`) and a busy attempt is retried with asynchronous backoff until `lockTimeout`.
 * Runners of one process queue in a `KeyedMutex` per database file first, so they never wait on each
 * other inside SQLite. An in-memory database is private to its one connection: the queue alone suffices,
 * and its units are savepoints of one outer transaction (cheap when hundreds of apps register).
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
    return SqliteLock.#queue.run(filename, deadline, timeoutError, async () => {
      const lock = await takeLockFile(this.#knex, `${filename}.knexus-lock`, deadline, timeoutError(), stopOf(this.#options));
      try {
        // The app's own file is not locked for the whole run: each unit is its own transaction there, and
        // `transaction: false` files run outside any (VACUUM, PRAGMA foreign_keys = OFF work as in raw knex).
        return await holdOnSession(this.#knex, this.#options, HELD, work);
      } finally {
        lock.release();
      }
    });
  }

  /** Runs `work` in one outer transaction, after `first` (the lock write) when given; commits the units that succeeded even if a later one failed. */
  async #inTransaction<T>(work: (session: LockSession) => Promise<T>, first: ((outer: Knex.Transaction) => Promise<void>) | undefined): Promise<T> {
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

/** The lock file is taken before the session starts: the session itself has nothing left to take. */
const HELD: SessionLockQueries = Object.freeze({ tryLock: async () => true, unlock: async () => undefined });

/** The part of a better-sqlite3 `Database` the lock file uses. */
interface LockDatabase {
  exec(sql: string): unknown;
  pragma(sql: string): unknown;
  close(): unknown;
}

/**
 * Takes the cross-process lock: an EXCLUSIVE transaction on a small side file next to the database.
 * SQLite's file locks die with their process, so a holder killed with -9 frees it; waits are 50 ms busy
 * waits with asynchronous backoff between them, up to the deadline.
 */
async function takeLockFile(
  knex: Knex,
  path: string,
  deadline: number,
  timeoutError: Error,
  stop: Parameters<typeof retryWhileBusy>[3],
): Promise<{ release(): void }> {
  const Database = (knex.client as unknown as { driver: new (path: string) => LockDatabase }).driver;
  const db = new Database(path);
  try {
    db.pragma(`busy_timeout = ${SQLITE_ATTEMPT_MS}`);
    await retryWhileBusy(async () => db.exec('begin exclusive'), deadline, timeoutError, stop);
  } catch (error) {
    db.close();
    throw error;
  }
  return {
    release: () => {
      try {
        db.exec('commit');
      } finally {
        db.close();
      }
    },
  };
}
