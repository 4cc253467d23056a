import type { ClientName } from '../clients.js';
import type { Dialect } from './dialect.js';
import { mysqlDialect } from './mysql/mysql-dialect.js';
import { postgresDialect } from './postgres/postgres-dialect.js';
import { sqliteDialect } from './sqlite/sqlite-dialect.js';

const DIALECTS: Readonly<Record<ClientName, Dialect>> = Object.freeze({
  pg: postgresDialect,
  mysql2: mysqlDialect,
  'better-sqlite3': sqliteDialect,
});

/** The adapter of a (normalized) client name. */
export function dialectOf(client: ClientName): Dialect {
  return DIALECTS[client];
}
