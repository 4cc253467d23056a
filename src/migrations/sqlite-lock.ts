import { resolve } from 'node:path';
import type { Knex } from 'knex';
import { type AppLock, type AppLockOptions, type LockSession, inTransaction, lockTimeoutError } from './app-lock.js';
import { KeyedMutex } from './keyed-mutex.js';

const IN_MEMORY = new Set(['', ':memory:']);

/**
 * SQLite's database-wide write lock, taken by an outer transaction whose first statement is a write to a
 * one-row lock table; each unit of work is a savepoint inside it.
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
    const timeoutError = lockTimeoutError(this.#options);
    const deadline = performance.now() + this.#options.lockTimeout;
    const knex = this.#knex;
    if (this.#filename === undefined) {
      const session: LockSession = {
        unit: (unitWork, transactional) =>
          transactional ? inTransaction((handler) => knex.transaction(handler), unitWork) : unitWork(knex),
      };
      return SqliteLock.#queue.run(knex.client, deadline, timeoutError, () => work(session));
    }
    return SqliteLock.#queue.run(this.#filename, deadline, timeoutError, () => this.#holdFile(work, deadline, timeoutError));
  }

  async #holdFile<T>(work: (session: LockSession) => Promise<T>, deadline: number, timeoutError: Error): Promise<T> {
    const knex = this.#knex;
    const lockTable = `${this.#options.tableName}_lock`;
    const [previous] = (await knex.raw('pragma busy_timeout')) as { timeout: number }[];
    await knex.raw(`pragma busy_timeout = ${busyTimeout(deadline)}`);
    let acquired = false;
    let outcome: { value: T } | { error: unknown } | undefined;
    try {
      await knex.raw('create table if not exists ?? (id integer primary key, app varchar(255) not null, locked_at integer not null)', [
        lockTable,
      ]);
      await knex.transaction(async (outer) => {
        await outer.raw('insert or replace into ?? (id, app, locked_at) values (1, ?, ?)', [lockTable, this.#options.appName, Date.now()]);
        acquired = true;
        const session: LockSession = {
          unit: (unitWork, transactional) =>
            transactional ? inTransaction((handler) => outer.transaction(handler), unitWork) : unitWork(outer),
        };
        // A failed unit was already undone by its savepoint; commit the units before it, then rethrow.
        try {
          outcome = { value: await work(session) };
        } catch (error) {
          outcome = { error };
        }
      });
    } catch (error) {
      if (!acquired && isBusy(error)) throw timeoutError;
      if (outcome === undefined || 'value' in outcome) throw error;
    } finally {
      await knex.raw(`pragma busy_timeout = ${Number(previous?.timeout ?? 0)}`);
    }
    if (outcome === undefined) throw new Error('unreachable: the SQLite lock transaction ended without running its work');
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
