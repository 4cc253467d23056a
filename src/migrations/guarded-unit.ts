import type { Knex } from 'knex';
import type { ClientName } from '../clients.js';
import type { LockSession } from './locks/app-lock.js';
import { atRisk, watchStatements } from './dirty-state.js';
import type { SqlExecutor } from './sql-executor.js';

/** The ledger writes around one file's unit. */
export interface GuardedSteps {
  /** Records the file as started (a negative batch), in its own statement. */
  start(sql: SqlExecutor): Promise<void>;
  /** The file's own work plus its final ledger write; `risky` says whether `start` ran first. */
  work(db: Knex, sql: SqlExecutor, risky: boolean): Promise<void>;
  /** Takes the started mark back when the failed unit provably left nothing behind. */
  clear(sql: SqlExecutor): Promise<void>;
}

/** Where and how a guarded unit runs. */
export interface GuardedUnit {
  readonly session: LockSession;
  readonly knex: Knex;
  readonly client: ClientName;
  readonly transactional: boolean;
  readonly steps: GuardedSteps;
}

/**
 * Runs one file's unit. A file whose changes a failed transaction cannot take back (`atRisk`) is first
 * marked started in its own statement; if it then fails after a statement that stays applied, the mark
 * stays (the app is dirty). `failure(error, dirty)` builds what is thrown.
 */
export async function runGuardedUnit(unit: GuardedUnit, failure: (error: unknown, dirty: boolean) => Error): Promise<void> {
  const { session, knex, client, transactional, steps } = unit;
  const risky = atRisk(client, transactional);
  if (risky) await session.unit((_db, sql) => steps.start(sql), false);
  const watch = risky && transactional ? watchStatements(knex) : undefined;
  try {
    await session.unit((db, sql) => steps.work(db, sql, risky), transactional);
  } catch (error) {
    // A transactional file on MySQL whose statements provably never committed left nothing behind: it need not stay dirty.
    let dirty = risky;
    if (watch !== undefined && !watch.mayHaveCommitted()) {
      dirty = false;
      await session.unit((_db, sql) => steps.clear(sql), false).catch(() => (dirty = true));
    }
    throw failure(error, dirty);
  } finally {
    watch?.stop();
  }
}
