import type { Knex } from 'knex';
import type { AfterCreate, Dialect, SqlRow } from '../dialect.js';
import { serverPool } from '../server-pool.js';
import { placeholders } from '../sql-placeholders.js';
import { mysqlLockQueries } from './mysql-lock.js';

/** mysql2's prepared-statement cache size unless the connection config sets one (see configureKnex). */
const PREPARED_STATEMENTS = 256;

const SYSTEM = new Set(['information_schema', 'performance_schema', 'mysql', 'sys']);

const runRaw = (connection: unknown, sql: string): Promise<void> =>
  new Promise<void>((resolve, reject) => {
    (connection as { query(sql: string, cb: (error: Error | null) => void): void }).query(sql, (error) =>
      error ? reject(error) : resolve(),
    );
  });

// COM_RESET_CONNECTION drops temporary tables, prepared statements (mysql2's cache too), user variables,
// session settings and named locks, and keeps the handshake's character set (MariaDB 10.2+, MySQL 5.7+).
const reset = (connection: unknown): Promise<void> =>
  new Promise<void>((resolve, reject) => {
    (connection as { reset(cb: (error: Error | null) => void): void }).reset((error) => (error ? reject(error) : resolve()));
  });

async function schemaExists(knex: Knex, schema: string): Promise<boolean> {
  return ((await knex.raw('select 1 from information_schema.schemata where schema_name = ?', [schema])) as [unknown[]])[0].length > 0;
}

const route = (schema: string) => `use \`${schema}\``;

/** A pool hook putting every new connection on the app's database, created first if missing. */
function useDatabase(schema: string, then: AfterCreate | undefined): AfterCreate {
  return (connection, done) => {
    runRaw(connection, `create database if not exists \`${schema}\``)
      .then(() => runRaw(connection, route(schema)))
      .then(
        () => (then ? then(connection, done) : done(null, connection)),
        (error: Error) => done(error, connection),
      );
  };
}

/** MySQL and MariaDB through `mysql2`: an app's schema is a database (`USE`), locks are `GET_LOCK`. */
export const mysqlDialect: Dialect = {
  client: 'mysql2',
  label: 'MySQL/MariaDB',
  rows: (result: unknown) => (result as [SqlRow[]])[0],
  fileDatabase: false,
  implicitCommits: true,
  // The app's database is created by the pool's afterCreate (see configureKnex), on this first connection.
  probe: async (knex: Knex) => {
    await knex.raw('select 1');
  },

  schemas: true,
  searchPath: false,
  isSystemSchema: (schema: string) => SYSTEM.has(schema.toLowerCase()),
  route: (schema: string) => route(schema),
  // Without a default database there is nothing to switch a connection back to.
  ownerRoute: ({ schema }, database: string | undefined) => {
    const own = schema ?? database;
    return own === undefined ? undefined : route(own);
  },
  resetSession: async (connection: unknown, then?: string) => {
    await reset(connection);
    if (then !== undefined) await runRaw(connection, then);
  },
  runRaw,

  // The catalog first, so a role without CREATE attaches to an existing database.
  ensureSchema: async (knex: Knex, schema: string) => {
    if (!(await schemaExists(knex, schema))) await knex.raw('create database if not exists ??', [schema]);
  },
  schemaExists,
  schemaCreatedOnConnect: true,
  existingSchemasSql: (count: number) =>
    `select schema_name as name from information_schema.schemata where schema_name in (${placeholders(count)})`,
  schemasWithTableSql: (count: number) =>
    `select table_schema as name from information_schema.tables where table_name = ? and table_schema in (${placeholders(count)})`,
  dropSchema: async (knex: Knex, schema: string) => {
    await knex.raw('drop database if exists ??', [schema]);
  },
  // An alias, because MySQL labels information_schema columns in upper case and MariaDB as written.
  tablesIn: async (knex: Knex, schema: string) =>
    (
      (await knex.raw('select table_name as name from information_schema.tables where table_schema = ?', [schema])) as [{ name: string }[]]
    )[0].map((row) => row.name),

  lockQueries: mysqlLockQueries,
  batchesUnits: false,
  lockLedgerCreation: undefined,
  columnsQuery: (table: string) => ({
    sql: 'select column_name as name from information_schema.columns where table_name = ? and table_schema = database()',
    bindings: [table],
  }),

  routing: 'session',
  configureKnex: (config: Knex.Config, { schema }, idleTimeout: number) => {
    config.pool = serverPool(config.pool, idleTimeout);
    // Every switch to another app resets the connection, and mysql2 then clears its prepared-statement
    // cache, whose cost grows with its size (36 µs at the default 16,000 slots, 1 µs at 256). knex never
    // prepares statements (it queries), so a small cache costs nothing; one the config sets is kept.
    const connection = config.connection;
    if (typeof connection === 'object' && connection !== null && !('maxPreparedStatements' in connection))
      config.connection = { ...connection, maxPreparedStatements: PREPARED_STATEMENTS };
    if (schema !== undefined)
      config.pool = { ...config.pool, afterCreate: useDatabase(schema, config.pool.afterCreate as AfterCreate | undefined) };
  },
};
Object.freeze(mysqlDialect);
