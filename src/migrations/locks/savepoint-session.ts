import type { Knex } from 'knex';
import type { LockSession } from './app-lock.js';
import type { SqlExecutor } from '../sql-executor.js';

/**
 * Units of work inside one long transaction, each wrapped in its own savepoint (SQLite).
 *
 * Savepoints are plain statements rather than nested knex transactions: a knex transaction object costs
 * a few hundred microseconds to build, which dominated registering hundreds of apps. Files still receive
 * a real `Knex.Transaction`, so their own `trx.transaction()` calls nest below ours.
 */
export class SavepointSession implements LockSession {
  readonly #outer: Knex.Transaction;
  readonly #sql: SqlExecutor;
  #first: { error: unknown } | undefined;

  constructor(outer: Knex.Transaction, sql: SqlExecutor) {
    this.#outer = outer;
    this.#sql = sql;
    outer.on('query-error', (error: unknown) => (this.#first ??= { error }));
  }

  /** Runs `work` on the outer transaction, inside a savepoint unless `transactional` is false. */
  async unit<T>(work: (db: Knex, sql: SqlExecutor) => Promise<T>, transactional: boolean): Promise<T> {
    const outer = this.#outer;
    const sql = this.#sql;
    if (!transactional) return work(outer, sql);
    // One name suffices: ROLLBACK TO and RELEASE act on the newest savepoint of that name. A unit that
    // succeeds is not released; the outer COMMIT releases them all, which saves a statement per file.
    await sql.run('savepoint knexus_unit');
    this.#forget();
    try {
      return await work(outer, sql);
    } catch (error) {
      const first = this.#firstError(error);
      // ROLLBACK TO keeps the savepoint open; RELEASE then closes it without keeping its changes.
      await sql.run('rollback to savepoint knexus_unit').catch(() => undefined);
      await sql.run('release savepoint knexus_unit').catch(() => undefined);
      throw first;
    }
  }

  #forget(): void {
    this.#first = undefined;
  }

  /** The first query error since the unit began, which a thrown follow-on error must not hide. */
  #firstError(thrown: unknown): unknown {
    return this.#first === undefined ? thrown : this.#first.error;
  }
}
