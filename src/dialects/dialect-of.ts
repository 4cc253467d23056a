import type { ClientName } from '../clients.js';
import type { Dialect } from './dialect.js';
import { mysqlDialect } from './mysql/mysql-dialect.js';
import { postgresDialect } from './postgres/postgres-dialect.js';
import { postgresTransactionPoolerDialect } from './postgres/postgres-transaction-pooler-dialect.js';
import { sqliteDialect } from './sqlite/sqlite-dialect.js';

/** How an app reaches its server: directly (or through a session pooler, which behaves alike) or through a transaction pooler. */
export const POOLER_MODES = ['session', 'transaction'] as const;
export type PoolerMode = (typeof POOLER_MODES)[number];

const DIALECTS: Readonly<Record<ClientName, Dialect>> = Object.freeze({
  pg: postgresDialect,
  mysql2: mysqlDialect,
  'better-sqlite3': sqliteDialect,
});

/** Clients with an adapter for a transaction pooler in front of the server. */
const BEHIND_TRANSACTION_POOLER: Readonly<Partial<Record<ClientName, Dialect>>> = Object.freeze({ pg: postgresTransactionPoolerDialect });

/** The adapter of a (normalized) client name, reached directly or through the given pooler. */
export function dialectOf(client: ClientName, pooler?: PoolerMode): Dialect {
  return (pooler === 'transaction' ? BEHIND_TRANSACTION_POOLER[client] : undefined) ?? DIALECTS[client];
}

/** True when `client` can be reached through a transaction pooler (`database.pooler`). */
export function supportsPooler(client: ClientName): boolean {
  return BEHIND_TRANSACTION_POOLER[client] !== undefined;
}
