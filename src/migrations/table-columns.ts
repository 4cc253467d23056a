import type { ClientName } from '../clients.js';
import { dialectOf } from '../dialects/dialect-of.js';
import type { SqlExecutor } from './sql-executor.js';

/**
 * The lower-cased column names of `table` (in `schema` on PostgreSQL), or `[]` when there is no such
 * table: read from the catalog, so a table of any shape can be inspected without touching its rows.
 */
export async function tableColumns(sql: SqlExecutor, client: ClientName, table: string, schema: string | undefined): Promise<string[]> {
  const query = dialectOf(client).columnsQuery(table, schema);
  const rows = await sql.all(query.sql, query.bindings);
  return rows.map((row) => String(row['name'] ?? row['NAME']).toLowerCase());
}
