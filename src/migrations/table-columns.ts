import type { ClientName } from '../clients.js';
import type { SqlExecutor } from './sql-executor.js';

// Column names of one table, read from the catalog so that a table of any shape can be inspected
// without touching its rows; an empty list means the table does not exist.
const QUERIES: Readonly<Record<ClientName, (schema: string | undefined) => string>> = Object.freeze({
  pg: (schema) =>
    'select column_name as name from information_schema.columns where table_name = ? and table_schema = ' +
    (schema === undefined ? 'current_schema()' : '?'),
  mysql2: () => 'select column_name as name from information_schema.columns where table_name = ? and table_schema = database()',
  'better-sqlite3': () => 'select name from pragma_table_info(?)',
});

/** The lower-cased column names of `table` (in `schema` on PostgreSQL), or `[]` when there is no such table. */
export async function tableColumns(sql: SqlExecutor, client: ClientName, table: string, schema: string | undefined): Promise<string[]> {
  const bindings = client === 'pg' && schema !== undefined ? [table, schema] : [table];
  const rows = await sql.all(QUERIES[client](schema), bindings);
  return rows.map((row) => String(row['name'] ?? row['NAME']).toLowerCase());
}
