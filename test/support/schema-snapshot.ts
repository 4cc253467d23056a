/**
 * The user-visible schema of a test database (tables, columns, indexes), without any ledger or lock
 * table of knex or knexus, so a database migrated by knex and one migrated by knexus compare equal.
 */
import type { TestDatabase } from './databases.js';

const isLedger = (name: string): boolean => name.startsWith('knex_') || name.startsWith('knexus_');

/** Rows describing the schema, sorted, comparable with `toEqual`. */
export async function schemaSnapshot(db: TestDatabase): Promise<unknown[]> {
  if (db.dialect === 'sqlite') {
    const rows = (await db.knex.raw(
      "select type, name, tbl_name, sql from sqlite_master where name not like 'sqlite_%' order by type, name",
    )) as {
      tbl_name: string;
    }[];
    return rows.filter((row) => !isLedger(row.tbl_name));
  }
  if (db.dialect === 'pg') {
    const columns = (
      await db.knex.raw(
        `select table_name, column_name, data_type, is_nullable, column_default, character_maximum_length
           from information_schema.columns where table_schema = 'public' order by table_name, column_name`,
      )
    ).rows as { table_name: string }[];
    const indexes = (
      await db.knex.raw(
        "select tablename as table_name, indexname, indexdef from pg_indexes where schemaname = 'public' order by indexname",
      )
    ).rows as { table_name: string }[];
    const constraints = (
      await db.knex.raw(
        `select table_name, constraint_name, constraint_type from information_schema.table_constraints
           where table_schema = 'public' and constraint_type <> 'CHECK' order by constraint_name`,
      )
    ).rows as { table_name: string }[];
    return [...columns, ...indexes, ...constraints].filter((row) => !isLedger(row.table_name));
  }
  const [columns] = (await db.knex.raw(
    `select table_name, column_name, column_type, is_nullable, column_default, column_key
       from information_schema.columns where table_schema = database() order by table_name, column_name`,
  )) as [{ TABLE_NAME?: string; table_name?: string }[]];
  return columns.filter((row) => !isLedger(String(row.table_name ?? row.TABLE_NAME)));
}
