import type { Knex } from 'knex';
import type { ClientName } from '../clients.js';

/** knex pool options passed through unchanged. */
export type PoolConfig = Knex.PoolConfig;

/** How to reach an app's database. */
export interface DatabaseConfig {
  /** `better-sqlite3`, `pg` or `mysql2` (aliases such as `postgres`, `sqlite`, `mariadb` are accepted). */
  client: ClientName | (string & {});
  /** A knex connection object or a connection string (`postgres://…`, `mysql://…`, or a SQLite file name). */
  connection: string | Readonly<Record<string, unknown>>;
  /** knex pool settings; default knex's (SQLite always uses one connection). */
  pool?: PoolConfig;
}

/** A database config after validation: the client name normalized. */
export type ResolvedDatabaseConfig = Omit<DatabaseConfig, 'client'> & { readonly client: ClientName };
