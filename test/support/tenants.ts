/**
 * Helpers for apps with their own schema on a shared pool: schema names that do not collide between test
 * files (MariaDB databases are server-wide), reading the session's schema, and cleaning up.
 */
import { fileURLToPath } from 'node:url';
import type { Knex } from 'knex';
import { afterAll } from 'vitest';
import type { TestDatabase } from './databases.js';
import { useDatabase, type UsedDatabase } from './use-database.js';

export const TENANT_MIGRATIONS = { directory: fileURLToPath(new URL('../fixtures/tenancy/migrations', import.meta.url)) };
export const TENANT_SEEDS = { directory: fileURLToPath(new URL('../fixtures/tenancy/seeds', import.meta.url)) };

/** A schema (PostgreSQL) or database (MariaDB) name for tenant `i`, unique to this test file's database. */
export function tenantSchema(db: TestDatabase, i: number | string): string {
  return db.dialect === 'mariadb' ? `${db.name}_t${i}` : `t${i}`;
}

/** The schema the session of `knex`'s next connection is on (`current_schema()` / `database()`). */
export async function currentSchema(knex: Knex, dialect: TestDatabase['dialect']): Promise<string | null> {
  if (dialect === 'pg') return ((await knex.raw('select current_schema() as s')) as { rows: { s: string | null }[] }).rows[0]!.s;
  return ((await knex.raw('select database() as s')) as [{ s: string | null }[]])[0][0]!.s;
}

/** Tables in `schema`, sorted. */
export async function tablesIn(db: TestDatabase, schema: string): Promise<string[]> {
  const result: unknown = await db.knex.raw('select table_name as name from information_schema.tables where table_schema = ? order by 1', [
    schema,
  ]);
  const rows = db.dialect === 'pg' ? (result as { rows: { name: string }[] }).rows : (result as [{ name: string }[]])[0];
  return rows.map((row) => row.name);
}

/** True when the schema (PostgreSQL) or database (MariaDB) exists. */
export async function schemaExists(db: TestDatabase, schema: string): Promise<boolean> {
  const rows = await db.knex.raw('select schema_name from information_schema.schemata where schema_name = ?', [schema]);
  return (db.dialect === 'pg' ? (rows as { rows: unknown[] }).rows : (rows as [unknown[]])[0]).length > 0;
}

/** Drops the MariaDB databases this test file's tenants created (PostgreSQL schemas go with the test database). */
export async function dropTenantDatabases(db: TestDatabase): Promise<void> {
  if (db.dialect !== 'mariadb') return;
  const [rows] = (await db.knex.raw('select schema_name as name from information_schema.schemata where schema_name like ?', [
    `${db.name}\\_t%`,
  ])) as [{ name: string }[]];
  for (const { name } of rows) await db.knex.raw('drop database if exists ??', [name]);
}

/** `useDatabase(dialect)` for tests whose apps get their own schema: on MariaDB the tenants' databases are dropped with it. */
export function useTenantDatabase(dialect: 'pg' | 'mariadb'): UsedDatabase {
  const db = useDatabase(dialect);
  // Registered after useDatabase's own afterAll, so it runs before the database is dropped.
  afterAll(async () => {
    if (db.available) await dropTenantDatabases(db);
  });
  return db;
}
