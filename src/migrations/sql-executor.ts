import type { Knex } from 'knex';
import type { ClientName } from '../clients.js';

/** A row as a driver returns it. */
export type SqlRow = Readonly<Record<string, unknown>>;

/**
 * Runs knexus's own bookkeeping statements (ledger rows, savepoints), which use `?` placeholders and
 * bind values only; migration and seed files always get a knex instance instead.
 */
export interface SqlExecutor {
  all(sql: string, bindings?: readonly unknown[]): Promise<SqlRow[]>;
  run(sql: string, bindings?: readonly unknown[]): Promise<void>;
}

// Raw results differ per driver: pg wraps rows in a result object, mysql2 pairs them with fields.
const ROWS: Readonly<Record<ClientName, (result: unknown) => SqlRow[]>> = Object.freeze({
  pg: (result) => (result as { rows: SqlRow[] }).rows,
  mysql2: (result) => (result as [SqlRow[]])[0],
  'better-sqlite3': (result) => result as SqlRow[],
});

/** An executor running through knex (`db.raw`), so query events and knex's connection handling apply. */
export function knexExecutor(db: Knex, client: ClientName): SqlExecutor {
  return {
    all: async (sql, bindings = []) => ROWS[client](await db.raw(sql, bindings as readonly Knex.RawBinding[])),
    run: async (sql, bindings = []) => {
      await db.raw(sql, bindings as readonly Knex.RawBinding[]);
    },
  };
}
