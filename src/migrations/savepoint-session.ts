import type { Knex } from 'knex';
import type { LockSession } from './app-lock.js';

/**
 * Units of work inside one long transaction, each wrapped in its own savepoint (SQLite).
 *
 * Savepoints are issued as plain statements rather than nested knex transactions: a knex transaction
 * object costs a few hundred microseconds to build, which dominated registering hundreds of apps.
 * Files still receive a real `Knex.Transaction`, so their own `trx.transaction()` calls nest below ours.
 */
export class SavepointSession implements LockSession {
  readonly #outer: Knex.Transaction;
  #first: { error: unknown } | undefined;

  constructor(outer: Knex.Transaction) {
    this.#outer = outer;
    outer.on('query-error', (error: unknown) => (this.#first ??= { error }));
  }

  /** Runs `work` on the outer transaction, inside a savepoint unless `transactional` is false. */
  async unit<T>(work: (db: Knex) => Promise<T>, transactional: boolean): Promise<T> {
    const outer = this.#outer;
    if (!transactional) return work(outer);
    // Units never nest, so one savepoint name suffices.
    await outer.raw('savepoint knexus_unit');
    this.#forget();
    try {
      const value = await work(outer);
      await outer.raw('release savepoint knexus_unit');
      return value;
    } catch (error) {
      const first = this.#firstError(error);
      // ROLLBACK TO keeps the savepoint open; RELEASE then closes it without keeping its changes.
      await outer.raw('rollback to savepoint knexus_unit').catch(() => undefined);
      await outer.raw('release savepoint knexus_unit').catch(() => undefined);
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
