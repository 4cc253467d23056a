import type { Knex } from 'knex';
import type { Dialect, SqlRow } from '../dialect.js';

const noSchemas = (): never => {
  // Configs with a schema on SQLite are refused at validation; reaching this is a knexus bug.
  throw new Error('SQLite has no schemas of its own for apps');
};

/** SQLite through `better-sqlite3`: one file per database, no schemas, a lock file beside the database. */
export const sqliteDialect: Dialect = {
  client: 'better-sqlite3',
  label: 'SQLite',
  rows: (result: unknown) => result as SqlRow[],
  fileDatabase: true,
  implicitCommits: false,
  probe: noSchemas,

  schemas: false,
  searchPath: false,
  isSystemSchema: () => false,
  route: noSchemas,
  ownerRoute: () => undefined,
  resetSession: noSchemas,
  runRaw: noSchemas,

  ensureSchema: noSchemas,
  schemaExists: noSchemas,
  schemaCreatedOnConnect: false,
  existingSchemasSql: noSchemas,
  schemasWithTableSql: noSchemas,
  dropSchema: noSchemas,
  tablesIn: noSchemas,

  // The lock is a side file (<file>.knexus-lock), taken by the SQLite lock in migrations/.
  lockQueries: () => undefined,
  // Units are savepoints of the lock's transaction on an in-memory database, transactions of their own on a file.
  batchesUnits: false,
  lockLedgerCreation: undefined,
  columnsQuery: (table: string) => ({ sql: 'select name from pragma_table_info(?)', bindings: [table] }),

  routing: 'session',
  configureKnex: (config: Knex.Config) => {
    config.useNullAsDefault = true;
  },
};
Object.freeze(sqliteDialect);
