import type { Knex } from 'knex';

const MAX_ENTRIES = 1_000;
const cache = new Map<string, string>();

/**
 * `schema.table` (or `table`) as knex quotes it for this client (`??`), for knexus's own SQL.
 *
 * Cached per dialect and name, since every app's ledgers and lock need it and building a knex raw costs
 * tens of microseconds; an app with its own `wrapIdentifier` is quoted afresh. The cache is cleared
 * when it outgrows MAX_ENTRIES (thousands of tenant schemas).
 */
export function quotedTable(knex: Knex, table: string, schema: string | undefined): string {
  const name = schema === undefined ? table : `${schema}.${table}`;
  const quote = (): string => knex.raw('??', [name]).toQuery();
  if ((knex.client.config as { wrapIdentifier?: unknown }).wrapIdentifier !== undefined) return quote();
  const key = `${String((knex.client as { dialect?: unknown }).dialect)}\0${name}`;
  let quoted = cache.get(key);
  if (quoted === undefined) {
    if (cache.size >= MAX_ENTRIES) cache.clear();
    cache.set(key, (quoted = quote()));
  }
  return quoted;
}
