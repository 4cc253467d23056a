import type { Knex } from 'knex';
import type { Dialect, SqlRow } from '../dialect.js';
import { serverPool } from '../server-pool.js';
import { placeholders } from '../sql-placeholders.js';
import { advisoryKey } from './advisory-key.js';
import { detectTransactionPooler } from './detect-transaction-pooler.js';
import { postgresLockQueries } from './postgres-lock.js';
import { copySchema } from './copy-schema.js';

/**
 * What DISCARD ALL does (PgBouncer's server_reset_query), spelled out because DISCARD ALL may not share
 * a multi-statement query, so the reset and the next app's route cost one round trip together.
 */
const RESET =
  'set session authorization default; reset all; close all; unlisten *; select pg_advisory_unlock_all(); ' +
  'discard plans; discard temp; discard sequences; deallocate all';

const runRaw = async (connection: unknown, sql: string): Promise<void> => {
  await (connection as { query(sql: string): Promise<unknown> }).query(sql);
};

async function schemaExists(knex: Knex, schema: string): Promise<boolean> {
  return ((await knex.raw('select 1 from pg_namespace where nspname = ?', [schema])) as { rows: unknown[] }).rows.length > 0;
}

/** Creates the schema unless the catalog has it already (so a role without CREATE attaches to an existing one). */
async function ensureSchema(knex: Knex, schema: string): Promise<void> {
  if (await schemaExists(knex, schema)) return;
  try {
    await knex.raw('create schema if not exists ??', [schema]);
  } catch (error) {
    // Two sessions racing on IF NOT EXISTS: the loser sees a unique violation on the catalog.
    const code = (error as { code?: string }).code;
    if (code !== '23505' && code !== '42P06') throw error;
  }
}

const quoted = (names: readonly string[]) => names.map((name) => `"${name}"`).join(', ');

/** PostgreSQL through `pg`: schemas are `search_path`, locks are advisory locks. */
export const postgresDialect: Dialect = {
  client: 'pg',
  label: 'PostgreSQL',
  rows: (result: unknown) => (result as { rows: SqlRow[] }).rows,
  fileDatabase: false,
  implicitCommits: false,
  copySchema,
  probe: async (knex: Knex, { schema }) => {
    if (schema === undefined) await knex.raw('select 1');
    else await ensureSchema(knex, schema);
  },

  schemas: true,
  searchPath: true,
  // PostgreSQL reserves every name starting with pg_ for itself.
  isSystemSchema: (schema: string) => {
    const name = schema.toLowerCase();
    return name === 'information_schema' || name.startsWith('pg_');
  },
  // Identifiers are validated (letters, digits, `_`) before they get here; quoting keeps their case.
  route: (schema: string, searchPath: readonly string[]) => `set search_path to ${quoted([schema, ...searchPath])}`,
  ownerRoute: ({ schema, searchPath }) =>
    schema === undefined ? 'reset search_path' : `set search_path to ${quoted([schema, ...searchPath])}`,
  resetSession: (connection: unknown, then?: string) => runRaw(connection, then === undefined ? RESET : `${RESET}; ${then}`),
  leadingSwitch: (route: string) => `${RESET}; ${route}`,
  runRaw,

  ensureSchema,
  schemaExists,
  schemaCreatedOnConnect: false,
  // pg_namespace lists every schema; information_schema hides those the role has no privilege on.
  existingSchemasSql: (count: number) => `select nspname as name from pg_namespace where nspname in (${placeholders(count)})`,
  schemasWithTableSql: (count: number) =>
    `select n.nspname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.relname = ? and n.nspname in (${placeholders(count)})`,
  dropSchema: async (knex: Knex, schema: string) => {
    await knex.raw('drop schema if exists ?? cascade', [schema]);
  },
  tablesIn: async (knex: Knex, schema: string) =>
    (
      (await knex.raw('select table_name as name from information_schema.tables where table_schema = ?', [schema])) as {
        rows: { name: string }[];
      }
    ).rows.map((row) => row.name),

  lockQueries: postgresLockQueries,
  batchesUnits: true,
  // Apps hold different advisory locks, yet share a ledger table: on a fresh database their concurrent
  // CREATE TABLE IF NOT EXISTS would race on pg_type (23505). A per-table lock, released at commit,
  // serializes only that statement.
  lockLedgerCreation: async (trx: Knex.Transaction, schema: string | undefined, tableName: string) => {
    await trx.raw('select pg_advisory_xact_lock(?::bigint)', [advisoryKey('ledger', schema ?? '', tableName)]);
  },
  // pg_attribute rather than information_schema.columns, whose planning alone takes milliseconds on a
  // fresh connection; quote_ident makes the name exact, and a null current_schema() finds nothing.
  columnsQuery: (table: string, schema: string | undefined) => ({
    sql:
      'select attname as name from pg_attribute where attrelid = to_regclass(' +
      (schema === undefined ? 'quote_ident(current_schema())' : 'quote_ident(?)') +
      " || '.' || quote_ident(?)) and attnum > 0 and not attisdropped order by attnum",
    bindings: schema === undefined ? [table] : [schema, table],
  }),

  routing: 'session',
  detectTransactionPooler,

  configureKnex: (config: Knex.Config, { schema, searchPath }, idleTimeout: number) => {
    config.pool = serverPool(config.pool, idleTimeout);
    if (schema !== undefined) config.searchPath = [schema, ...searchPath];
  },
};
Object.freeze(postgresDialect);
