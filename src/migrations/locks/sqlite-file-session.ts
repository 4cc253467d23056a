import type { Knex } from 'knex';
import type { LockSession } from './app-lock.js';
import { type SqlExecutor, knexExecutor } from '../sql-executor.js';
import { retryWhileBusy } from './sqlite-busy.js';

/** The part of a better-sqlite3 `Database` the session drives directly. */
interface RawSqlite {
  exec(sql: string): unknown;
}

/** How long a session waits for another writer of the file, and how it learns to stop. */
export interface SqliteWait {
  /** Longest single wait, in ms (the lock timeout). */
  readonly ms: number;
  /** Builds the timeout error, before the wait starts. */
  readonly timeoutError: () => Error;
  readonly stop: Parameters<typeof retryWhileBusy>[3];
}

/**
 * Units of work on the connection holding a SQLite file's knexus lock. The lock file keeps other knexus
 * processes out, not a plain better-sqlite3 or knex writer of the same file: that one is waited for here,
 * asynchronously, while the connection's busy timeout stays at one short attempt (`SQLITE_ATTEMPT_MS`).
 *
 * A transactional unit takes the file's write lock before its first statement (`BEGIN IMMEDIATE`, retried
 * with backoff outside any transaction, where retrying is safe) and retries its COMMIT the same way, since
 * SQLite keeps a transaction whose COMMIT was busy open. A `transaction: false` unit first waits until no
 * other writer holds the file; a writer that slips in between two of its statements makes it fail after one
 * short attempt (and it is then dirty, as any half-run file outside a transaction), instead of freezing the
 * event loop for SQLite's default 5 s.
 */
export class SqliteFileSession implements LockSession {
  readonly #knex: Knex;
  readonly #connection: unknown;
  readonly #raw: RawSqlite;
  readonly #db: Knex;
  readonly #wait: SqliteWait;

  constructor(knex: Knex, connection: unknown, db: Knex, wait: SqliteWait) {
    this.#knex = knex;
    this.#connection = connection;
    this.#raw = connection as RawSqlite;
    this.#db = db;
    this.#wait = wait;
  }

  /** Runs `work` in its own immediate transaction, or on the bare connection once no other writer holds the file. */
  async unit<T>(work: (db: Knex, sql: SqlExecutor) => Promise<T>, transactional: boolean): Promise<T> {
    if (!transactional) {
      await this.#untilBusy('begin immediate');
      this.#raw.exec('rollback');
      return work(this.#db, knexExecutor(this.#db, 'better-sqlite3'));
    }
    let first: { error: unknown } | undefined;
    try {
      return await this.#knex.transaction(
        async (trx) => {
          trx.on('query-error', (error: unknown) => (first ??= { error }));
          // knex opened a deferred transaction that has touched nothing: swap it for an immediate one, so
          // no statement of the unit can meet another writer's lock (a busy write inside a transaction may
          // not be retried, and SQLite's busy handler would block the event loop).
          this.#raw.exec('commit');
          await this.#reopen(() => this.#untilBusy('begin immediate'));
          try {
            const value = await work(trx, knexExecutor(trx, 'better-sqlite3'));
            // Commit here, where a busy COMMIT can be retried; knex's own COMMIT then closes an empty one.
            await this.#reopen(() => this.#untilBusy('commit'));
            return value;
          } catch (error) {
            first ??= { error };
            throw error;
          }
        },
        { connection: this.#connection },
      );
    } catch (error) {
      throw first === undefined ? error : first.error;
    }
  }

  /** Runs `step`, then opens a deferred transaction again, so knex's COMMIT or ROLLBACK finds one whatever happened. */
  async #reopen(step: () => Promise<void>): Promise<void> {
    try {
      await step();
    } finally {
      if (!this.#inTransaction()) this.#raw.exec('begin');
    }
  }

  #inTransaction(): boolean {
    return (this.#raw as { inTransaction?: boolean }).inTransaction === true;
  }

  /** Runs `sql` until it is not busy, in short attempts with asynchronous backoff, for at most the lock timeout. */
  #untilBusy(sql: string): Promise<void> {
    const { ms, timeoutError, stop } = this.#wait;
    return retryWhileBusy(async () => void this.#raw.exec(sql), performance.now() + ms, timeoutError(), stop);
  }
}
