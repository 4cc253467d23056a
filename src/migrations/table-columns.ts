import type { ClientName } from '../clients.js';
import type { SqlExecutor } from './sql-executor.js';

// Column names of one table, read from the catalog so that a table of any shape can be inspected
// without touching its rows; an empty list means the table does not exist. PostgreSQL reads pg_attribute
// rather than information_schema.columns, whose planning alone takes milliseconds on a fresh connection;
// quote_ident makes the name exact, as `table_name = ?` was, and a null current_schema() finds nothing.
const QUERIES: Readonly<Record<ClientName, (schema: string | undefined) => string>> = Object.freeze({
  pg: (schema) =>
    'select attname as name from pg_attribute where attrelid = to_regclass(' +
    (schema === undefined ? 'quote_ident(current_schema())' : 'quote_ident(?)') +
    " || '.' || quote_ident(?)) and attnum > 0 and not attisdropped order by attnum",
  mysql2: () => 'select column_name as name from information_schema.columns where table_name = ? and table_schema = database()',
  'better-sqlite3': () => 'select name from pragma_table_info(?)',
});

/** The lower-cased column names of `table` (in `schema` on PostgreSQL), or `[]` when there is no such table. */
export async function tableColumns(sql: SqlExecutor, client: ClientName, table: string, schema: string | undefined): Promise<string[]> {
  const bindings = client === 'pg' && schema !== undefined ? [schema, table] : [table];
  const rows = await sql.all(QUERIES[client](schema), bindings);
  return rows.map((row) => String(row['name'] ?? row['NAME']).toLowerCase());
}
