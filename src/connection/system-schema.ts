import type { ClientName } from '../clients.js';

// PostgreSQL reserves every schema name starting with pg_; MySQL/MariaDB keep their catalogs in these databases.
const MYSQL_SYSTEM = new Set(['information_schema', 'performance_schema', 'mysql', 'sys']);

/** True when `schema` belongs to the server itself and can never be an app's schema (compared without case). */
export function isSystemSchema(client: ClientName, schema: string): boolean {
  const name = schema.toLowerCase();
  if (client === 'pg') return name === 'information_schema' || name.startsWith('pg_');
  if (client === 'mysql2') return MYSQL_SYSTEM.has(name);
  return false;
}
