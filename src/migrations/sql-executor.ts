import type { Knex } from 'knex';
import type { ClientName } from '../clients.js';

import { dialectOf } from '../dialects/dialect-of.js';
import type { SqlRow } from '../dialects/dialect.js';

export type { SqlRow } from '../dialects/dialect.js';

/**
 * Runs knexus's own bookkeeping statements (ledger rows, savepoints), which use `?` placeholders and
 * bind values only; migration and seed files always get a knex instance instead.
 */
export interface SqlExecutor {
  all(sql: string, bindings?: readonly unknown[]): Promise<SqlRow[]>;
  run(sql: string, bindings?: readonly unknown[]): Promise<void>;
}

/** An executor running through knex (`db.raw`), so query events and knex's connection handling apply. */
export function knexExecutor(db: Knex, client: ClientName): SqlExecutor {
  const { rows } = dialectOf(client);
  return {
    all: async (sql, bindings = []) => rows(await db.raw(sql, bindings as readonly Knex.RawBinding[])),
    run: async (sql, bindings = []) => {
      await db.raw(sql, bindings as readonly Knex.RawBinding[]);
    },
  };
}
