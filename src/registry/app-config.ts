import type { Knex } from 'knex';
import type { Model } from 'objection';

/** Database clients knexus drives; each is loaded only when an app uses it. */
export const CLIENTS = ['better-sqlite3', 'pg', 'mysql2'] as const;
/** A database client name. */
export type ClientName = (typeof CLIENTS)[number];

/** Other names users write for the same clients; normalized on validation. */
export const CLIENT_ALIASES: Readonly<Record<string, ClientName>> = Object.freeze({
  'better-sqlite3': 'better-sqlite3',
  sqlite: 'better-sqlite3',
  sqlite3: 'better-sqlite3',
  pg: 'pg',
  postgres: 'pg',
  postgresql: 'pg',
  mysql2: 'mysql2',
  mysql: 'mysql2',
  mariadb: 'mysql2',
});

/** What happens when an applied migration or seed file changed since it ran. */
export const DRIFT_POLICIES = ['error', 'warn', 'ignore'] as const;
/** Drift policy: `error` (default) refuses to register, `warn` emits a warning event, `ignore` only reports it in status. */
export type DriftPolicy = (typeof DRIFT_POLICIES)[number];

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

/** Auto-migrations at registration. */
export interface MigrationsConfig {
  /** Default: true when `directory` is given. */
  enabled?: boolean;
  /** One folder or several; files from all of them are sorted by file name. */
  directory: string | readonly string[];
  /** Ledger table; default `knexus_migrations`. One ledger per database, keyed by app. */
  tableName?: string;
  /** Longest wait for another process holding this app's migration lock, in ms; default 30000. */
  lockTimeout?: number;
  /** What a changed applied file does at registration; default `error`. */
  drift?: DriftPolicy;
}

/** Tracked seeds at registration. */
export interface SeedsConfig {
  /** Default: true when `directory` is given. */
  enabled?: boolean;
  /** One folder or several; files sorted by file name. */
  directory: string | readonly string[];
  /** Ledger table; default `knexus_seeds`. */
  tableName?: string;
  /** What a changed applied seed file does at registration; default `error`. */
  drift?: DriftPolicy;
}

/** A model given as plain data; knexus makes an Objection `Model` subclass from it. */
export interface ModelDefinition {
  tableName: string;
  idColumn?: string | string[];
  jsonSchema?: Record<string, unknown>;
  relationMappings?: Record<string, unknown> | (() => Record<string, unknown>);
}

/** An Objection model class. */
export type ModelClass = typeof Model;

/** Models bound to the app's connection at registration. */
export interface ModelsConfig {
  /** Default: true when `definitions` is given. */
  enabled?: boolean;
  definitions: Readonly<Record<string, ModelClass | ModelDefinition>>;
}

/** Everything `registerApp(name, config)` accepts. */
export interface AppConfig {
  /** Required unless `useConnection` is given. */
  database?: DatabaseConfig;
  /**
   * The app's own schema: on PostgreSQL a schema (its `search_path`), on MySQL/MariaDB a database (`USE`).
   * Created if missing; the app's tables and ledgers live there. With `useConnection` the app shares the
   * owner's pool and every connection is switched to this schema before the app uses it.
   */
  schema?: string;
  /**
   * PostgreSQL schemas searched after `schema` (e.g. `['public']` for extensions installed there).
   * Default: none for apps on a shared pool, `['public']` for apps with their own pool.
   */
  searchPath?: readonly string[];
  migrations?: MigrationsConfig;
  seeds?: SeedsConfig;
  models?: ModelsConfig;
  /** Other apps may share this app's connection with `useConnection`; default false. */
  reusable?: boolean;
  /** Share the pool of this (reusable, registered) app instead of opening a connection. */
  useConnection?: string;
}

/** An app config after validation: defaults applied, paths absolute, client normalized, frozen. */
export interface ResolvedAppConfig {
  readonly database: (Omit<DatabaseConfig, 'client'> & { readonly client: ClientName }) | undefined;
  readonly schema: string | undefined;
  /** Schemas searched after `schema` (PostgreSQL), defaults applied. */
  readonly searchPath: readonly string[];
  readonly migrations: Readonly<{
    enabled: boolean;
    directories: readonly string[];
    tableName: string;
    lockTimeout: number;
    drift: DriftPolicy;
  }>;
  readonly seeds: Readonly<{ enabled: boolean; directories: readonly string[]; tableName: string; drift: DriftPolicy }>;
  readonly models: Readonly<{ enabled: boolean; definitions: Readonly<Record<string, ModelClass | ModelDefinition>> }>;
  readonly reusable: boolean;
  readonly useConnection: string | undefined;
}

/** Default ledger tables and lock wait. */
export const APP_DEFAULTS = Object.freeze({
  migrationsTable: 'knexus_migrations',
  seedsTable: 'knexus_seeds',
  lockTimeout: 30_000,
  drift: 'error' as DriftPolicy,
});
