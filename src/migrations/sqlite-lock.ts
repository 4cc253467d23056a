import { resolve } from 'node:path';
import type { Knex } from 'knex';
import { type AppLock, type AppLockOptions, type LockSession, lockTimeoutError } from './app-lock.js';
import { KeyedMutex } from './keyed-mutex.js';
import { SavepointSession } from './savepoint-session.js';
import { sqliteExecutor } from './sqlite-executor.js';

const IN_MEMORY = new Set(['', ':memory:']);
const LOCK_TABLE = 'create table if not exists ?? (id integer primary key, app varchar(255) not null, locked_at integer not null)';
const TAKE_LOCK = 'insert or replace into ?? (id, app, locked_at) values (1, ?, ?)';

/**
 * SQLite's database-wide write lock, taken by an outer transaction whose first statement is a write to a
 * one-row lock table; each unit of work is a savepoint inside it, and `transaction: false` files run in
 * the outer transaction itself (so pragmas that SQLite ignores inside transactions do nothing there).
 *
 * A deferred transaction that writes first waits in SQLite's busy handler (`PRAGMA busy_timeout`, set to
 * the lock timeout) exactly like BEGIN IMMEDIATE, whereas one that reads first can fail with SQLITE_BUSY
 * without waiting. better-sqlite3 waits synchronously, which would freeze this process if the holder
 * were another runner in it, so runners of one process queue in a `KeyedMutex` per database file first.
 * An in-memory database is private to its one connection: the queue alone suffices there.
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
      const knex = this.#knex;
      const [previous] = (await knex.raw('pragma busy_timeout')) as { timeout: number }[];
      await knex.raw(`pragma busy_timeout = ${busyTimeout(deadline)}`);
      const lockTable = `${this.#options.tableName}_lock`;
      try {
        await knex.raw(LOCK_TABLE, [lockTable]).catch((error: unknown) => {
          throw isBusy(error) ? timeoutError() : error;
        });
        return await this.#inTransaction(work, async (outer) => {
          await outer.raw(TAKE_LOCK, [lockTable, this.#options.appName, Date.now()]).catch((error: unknown) => {
            throw isBusy(error) ? timeoutError() : error;
          });
        });
      } finally {
        await knex.raw(`pragma busy_timeout = ${Number(previous?.timeout ?? 0)}`);
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

/** Remaining wait as a whole, positive number of ms (pragmas take no bindings, so it must be a plain integer). */
function busyTimeout(deadline: number): number {
  return Math.max(1, Math.ceil(deadline - performance.now()));
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}
