import type { Knex } from 'knex';
import type { ClientName } from '../clients.js';

/**
 * Creates an app's PostgreSQL schema or MySQL/MariaDB database if missing; a concurrent creator winning the race is fine.
 * An existing one is found with a catalog query, so a role without CREATE privilege attaches to it.
 */
export async function ensureSchema(knex: Knex, client: ClientName, schema: string): Promise<void> {
  if (await schemaExists(knex, client, schema)) return;
  try {
    await knex.raw(client === 'mysql2' ? 'create database if not exists ??' : 'create schema if not exists ??', [schema]);
  } catch (error) {
    // Two sessions racing on IF NOT EXISTS: the loser sees a unique violation on the catalog.
    const code = (error as { code?: string }).code;
    if (code !== '23505' && code !== '42P06') throw error;
  }
}

/** True when the PostgreSQL schema or MySQL/MariaDB database exists (a catalog read: no privilege beyond connecting). */
export async function schemaExists(knex: Knex, client: ClientName, schema: string): Promise<boolean> {
  const sql = client === 'mysql2' ? 'select 1 as found from information_schema.schemata where schema_name = ?' : 'select 1 as found from pg_namespace where nspname = ?';
  const result: unknown = await knex.raw(sql, [schema]);
  const rows = client === 'mysql2' ? (result as [unknown[]])[0] : (result as { rows: unknown[] }).rows;
  return rows.length > 0;
}

/** Tables and views in `schema` other than `ledgerTables`: what a rollback of every migration left behind. */
export async function foreignTables(knex: Knex, client: ClientName, schema: string, ledgerTables: readonly string[]): Promise<string[]> {
  const names = await tablesIn(knex, client, schema);
  return names.filter((name) => !ledgerTables.includes(name)).sort();
}

async function tablesIn(knex: Knex, client: ClientName, schema: string): Promise<string[]> {
  // An alias, because MySQL labels information_schema columns in upper case and MariaDB as written.
  const result: unknown = await knex.raw('select table_name as name from information_schema.tables where table_schema = ?', [schema]);
  const rows = client === 'mysql2' ? (result as [{ name: string }[]])[0] : (result as { rows: { name: string }[] }).rows;
  return rows.map((row) => row.name);
}

/** Apps other than `appName` with rows in the ledger tables of `schema` (they share the schema). */
export async function otherLedgerApps(
  knex: Knex,
  client: ClientName,
  schema: string,
  ledgerTables: readonly string[],
  appName: string,
): Promise<string[]> {
  const present = new Set(await tablesIn(knex, client, schema));
  const apps = new Set<string>();
  for (const table of ledgerTables) {
    if (!present.has(table)) continue;
    const rows = (await knex(`${schema}.${table}`).distinct('app').whereNot({ app: appName }).pluck('app')) as string[];
    for (const app of rows) apps.add(app);
  }
  return [...apps].sort();
}

/** Drops the schema (PostgreSQL) or database (MySQL/MariaDB) with everything in it. */
export async function dropSchema(knex: Knex, client: ClientName, schema: string): Promise<void> {
  await knex.raw(client === 'mysql2' ? 'drop database if exists ??' : 'drop schema if exists ?? cascade', [schema]);
}
