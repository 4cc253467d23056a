import type { Knex } from 'knex';
import type { Dialect } from '../dialects/dialect.js';

/** Tables and views in `schema` other than `ledgerTables`: what a rollback of every migration left behind. */
export async function foreignTables(knex: Knex, dialect: Dialect, schema: string, ledgerTables: readonly string[]): Promise<string[]> {
  const names = await dialect.tablesIn(knex, schema);
  return names.filter((name) => !ledgerTables.includes(name)).sort();
}

/** Apps other than `appName` with rows in the ledger tables of `schema` (they share the schema). */
export async function otherLedgerApps(
  knex: Knex,
  dialect: Dialect,
  schema: string,
  ledgerTables: readonly string[],
  appName: string,
): Promise<string[]> {
  const present = new Set(await dialect.tablesIn(knex, schema));
  const apps = new Set<string>();
  for (const table of ledgerTables) {
    if (!present.has(table)) continue;
    const rows = (await knex(`${schema}.${table}`).distinct('app').whereNot({ app: appName }).pluck('app')) as string[];
    for (const app of rows) apps.add(app);
  }
  return [...apps].sort();
}
