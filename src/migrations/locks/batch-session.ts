import type { Knex } from 'knex';
import type { ClientName } from '../../clients.js';
import type { LockSession } from './app-lock.js';
import { type SqlExecutor, knexExecutor } from '../sql-executor.js';

interface OpenTransaction {
  readonly trx: Knex.Transaction;
  readonly sql: SqlExecutor;
  first: { error: unknown } | undefined;
}

/**
 * Units of work on the connection a PostgreSQL lock holds, batched: consecutive transactional units share
 * one transaction, each inside its own savepoint, and the holder commits once (`commit`) before it
 * unlocks. A failed unit is rolled back to its savepoint, so the units before it still commit, as they
 * did when each was a transaction of its own; what changes is one COMMIT (one WAL flush) per batch
 * instead of one per file. A unit with `transactional: false` first commits what is open, then runs on
 * the bare connection, so `CREATE INDEX CONCURRENTLY` and the dirty-state marker before it run outside any transaction.
 */
export class BatchSession implements LockSession {
  readonly #knex: Knex;
  readonly #connection: unknown;
  readonly #db: Knex;
  readonly #client: ClientName;
  #open: OpenTransaction | undefined;
  #unreleased = false;

  constructor(knex: Knex, connection: unknown, db: Knex, client: ClientName) {
    this.#client = client;
    this.#knex = knex;
    this.#connection = connection;
    this.#db = db;
  }

  /** Runs `work` in a savepoint of the open transaction, or on the bare connection when `transactional` is false. */
  async unit<T>(work: (db: Knex, sql: SqlExecutor) => Promise<T>, transactional: boolean): Promise<T> {
    if (!transactional) {
      await this.commit();
      return work(this.#db, knexExecutor(this.#db, this.#client));
    }
    // The first unit of a transaction needs no savepoint: nothing before it is there to keep, so a
    // failure rolls the whole transaction back (one round trip fewer per holder, a fleet's usual case).
    const fresh = this.#open === undefined;
    const open = this.#open ?? (await this.#begin());
    // The previous unit's savepoint is released in the round trip that opens this one (no bindings:
    // PostgreSQL's simple protocol takes both statements at once).
    if (!fresh) await open.sql.run(this.#unreleased ? 'release savepoint knexus_unit; savepoint knexus_unit' : 'savepoint knexus_unit');
    this.#unreleased = false;
    open.first = undefined;
    try {
      const value = await work(open.trx, open.sql);
      this.#unreleased = !fresh;
      return value;
    } catch (error) {
      // The first database error, not a follow-on "current transaction is aborted".
      const first = firstError(open, error);
      if (fresh) {
        this.#open = undefined;
        await open.trx.rollback().catch(() => undefined);
      } else {
        await open.sql.run('rollback to savepoint knexus_unit; release savepoint knexus_unit').catch(() => undefined);
      }
      throw first;
    }
  }

  /** Commits the open transaction, if any; a failed COMMIT rejects. */
  async commit(): Promise<void> {
    const open = this.#open;
    if (open === undefined) return;
    this.#open = undefined;
    this.#unreleased = false;
    await open.trx.commit();
    // knex reports a failed COMMIT through the transaction's own promise, not through commit().
    await open.trx.executionPromise;
  }

  async #begin(): Promise<OpenTransaction> {
    const trx = await this.#knex.transaction({ connection: this.#connection });
    const open: OpenTransaction = { trx, sql: knexExecutor(trx, this.#client), first: undefined };
    trx.on('query-error', (error: unknown) => (open.first ??= { error }));
    this.#open = open;
    return open;
  }
}

// A function, so the compiler does not take `first` for still undefined after the unit ran.
const firstError = (open: OpenTransaction, thrown: unknown): unknown => (open.first === undefined ? thrown : open.first.error);
