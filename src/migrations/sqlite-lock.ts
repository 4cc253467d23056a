import { resolve } from 'node:path';
import type { Knex } from 'knex';
import { type AppLock, type AppLockOptions, type LockSession, lockTimeoutError } from './app-lock.js';
import { KeyedMutex } from './keyed-mutex.js';
import { SavepointSession } from './savepoint-session.js';
import { pollLock } from './poll-lock.js';
import { SQLITE_ATTEMPT_MS, SQLITE_DEFAULT_BUSY_MS, isBusy, retryWhileBusy } from './sqlite-busy.js';
import { sqliteExecutor } from './sqlite-executor.js';

const IN_MEMORY = new Set(['', ':memory:']);
const LOCK_TABLE = 'create table if not exists ?? (id integer primary key, app varchar(255) not null, locked_at integer not null)';
const TAKE_LOCK = 'insert or replace into ?? (id, app, locked_at) values (1, ?, ?)';

/**
 * SQLite's database-wide write lock, taken by an outer transaction whose first statement is a write to a
 * one-row lock table; each unit of work is a savepoint inside it, and `transaction: false` files run in
 * the outer transaction itself (so pragmas that SQLite ignores inside transactions do nothing there).
 *
 * A deferred transaction that writes first waits in SQLite's busy handler exactly like BEGIN IMMEDIATE,
 * whereas one that reads first can fail with SQLITE_BUSY without waiting. better-sqlite3 waits
 * synchronously, freezing the event loop, so the busy timeout is kept short (`SQLITE_ATTEMPT_MS`) and a
 * busy lock write is retried with asynchronous backoff until `lockTimeout`. Runners of one process queue
 * in a `KeyedMutex` per database file first, so they never wait on each other inside SQLite.
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
      // Short synchronous waits with asynchronous backoff between them: another process's lock never
      // freezes this event loop for more than one attempt.
      await knex.raw(`pragma busy_timeout = ${SQLITE_ATTEMPT_MS}`);
      const lockTable = `${this.#options.tableName}_lock`;
      // Once held, a commit may still wait for another connection's reader to finish.
      const holding = Math.max(SQLITE_DEFAULT_BUSY_MS, this.#options.lockTimeout);
      try {
        await retryWhileBusy(() => knex.raw(LOCK_TABLE, [lockTable]), deadline, timeoutError());
        let outcome: { value: T } | undefined;
        await pollLock(
          async () => {
            try {
              outcome = {
                value: await this.#inTransaction(work, async (outer) => {
                  await outer.raw(TAKE_LOCK, [lockTable, this.#options.appName, Date.now()]).catch((error: unknown) => {
                    throw isBusy(error) ? LOCK_BUSY : error;
                  });
                  await outer.raw(`pragma busy_timeout = ${holding}`);
                }),
              };
              return true;
            } catch (error) {
              // Only a busy lock write is retried; a unit that failed (busy or not) never runs twice.
              if (error === LOCK_BUSY) return false;
              throw error;
            }
          },
          deadline,
          timeoutError(),
        );
        return (outcome as { value: T }).value;
      } finally {
        await knex.raw(`pragma busy_timeout = ${Number(previous?.timeout ?? SQLITE_DEFAULT_BUSY_MS)}`);
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

/** Thrown out of the lock transaction when another connection holds the write lock; the attempt is retried. */
const LOCK_BUSY = new Error('SQLite write lock busy');
