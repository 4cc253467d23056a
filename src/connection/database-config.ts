import type { Knex } from 'knex';
import type { ClientName } from '../clients.js';
import type { PoolerMode } from '../dialects/dialect-of.js';

export type { PoolerMode } from '../dialects/dialect-of.js';

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
  /**
   * PostgreSQL only: what sits between knexus and the server on `connection`. `'transaction'` (PgBouncer
   * `pool_mode = transaction` and the like): nothing relies on session state — every statement of an app
   * with a schema runs in a transaction opening with `set local search_path`, and migrations and seeds
   * run on `directConnection`. `'session'` behaves as a direct connection. Default: none (direct).
   */
  pooler?: PoolerMode;
  /**
   * With a `pooler`: the server itself, bypassing the pooler (a connection object or string, as Prisma's
   * `directUrl`), where migrations, seeds and their session advisory locks run. Required with
   * `pooler: 'transaction'` when the app (or a tenant sharing its pool) has migrations or seeds; with
   * `'session'` it keeps lock waiters from holding the pooler's few server connections. Default: none.
   */
  directConnection?: string | Readonly<Record<string, unknown>>;
}

/** A database config after validation: the client name normalized. */
export type ResolvedDatabaseConfig = Omit<DatabaseConfig, 'client'> & { readonly client: ClientName };
