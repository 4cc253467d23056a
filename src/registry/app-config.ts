import type { Knex } from 'knex';
import type { Model } from 'objection';
import type { KnexfileReference } from '../knexfile/apply-knexfile.js';
import type { KnexMigrationSource, KnexSeedSource, KnexSource } from '../migrations/knex-source.js';

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
  /** Default: true when `directory` or `migrationSource` is given. */
  enabled?: boolean;
  /** One folder or several; files from all of them are sorted by file name. Not together with `migrationSource`. */
  directory?: string | readonly string[];
  /**
   * knex's migration source interface (`getMigrations`, `getMigrationName`, `getMigration`), used unchanged and
   * in the order it lists. Checksums hash the file an item names (`{ file, directory }`, `{ path }` or a path
   * string) when it exists, otherwise the module `getMigration` returns. Not together with `directory`.
   */
  migrationSource?: KnexMigrationSource<any>;
  /** File extensions that count as migrations, as in knex; default `.js`, `.cjs`, `.mjs`, `.ts` (also passed to a source). */
  loadExtensions?: readonly string[];
  /** Run migrations outside a transaction unless a file exports `config.transaction = true`, as in knex; default false. */
  disableTransactions?: boolean;
  /** Ledger table; default `knexus_migrations`. One ledger per database, keyed by app. Must not be knex's table. */
  tableName?: string;
  /** Longest wait for another process holding this app's migration lock, in ms; default 30000. */
  lockTimeout?: number;
  /** What a changed applied file does at registration; default `error`. */
  drift?: DriftPolicy;
  /**
   * When the app has no knexus history and the database holds knex's ledger (`knexTableName`): `true` records
   * knex's applied migrations as applied and runs only the rest; `false` ignores knex's ledger. Default: unset,
   * which refuses to run with `KNEXUS_ERR_KNEX_HISTORY` instead of running migrations a second time.
   */
  importKnexHistory?: boolean;
  /** knex's own ledger table, read (never written) for `importKnexHistory`; default `knex_migrations`. */
  knexTableName?: string;
  /** PostgreSQL schema of knex's ledger (knex's `schemaName`); default the app's `schema`, else the search path. */
  knexSchemaName?: string;
}

/** Tracked seeds at registration. */
export interface SeedsConfig {
  /** Default: true when `directory` or `seedSource` is given. */
  enabled?: boolean;
  /** One folder or several; files sorted by file name. Not together with `seedSource`. */
  directory?: string | readonly string[];
  /** knex's seed source interface (`getSeeds`, `getSeed`), used unchanged; seeds are named by the file name of each path. */
  seedSource?: KnexSeedSource<any>;
  /** File extensions that count as seeds; default `.js`, `.cjs`, `.mjs`, `.ts`. */
  loadExtensions?: readonly string[];
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
  /** Required unless `useConnection` is given; may name a knexfile whose settings become the defaults. */
  database?: DatabaseConfig | KnexfileReference;
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
  readonly migrations: ResolvedLedgerConfig &
    Readonly<{
      lockTimeout: number;
      disableTransactions: boolean;
      importKnexHistory: boolean | undefined;
      knexTableName: string;
      knexSchemaName: string | undefined;
    }>;
  readonly seeds: ResolvedLedgerConfig;
  readonly models: Readonly<{ enabled: boolean; definitions: Readonly<Record<string, ModelClass | ModelDefinition>> }>;
  readonly reusable: boolean;
  readonly useConnection: string | undefined;
}

/** Migration or seed settings after validation. */
export type ResolvedLedgerConfig = Readonly<{
  enabled: boolean;
  directories: readonly string[];
  source: KnexSource | undefined;
  loadExtensions: readonly string[] | undefined;
  tableName: string;
  drift: DriftPolicy;
}>;

/** True when the app has migrations (or seeds) to run: a directory or a knex source. */
export function hasScripts(settings: ResolvedLedgerConfig): boolean {
  return settings.directories.length > 0 || settings.source !== undefined;
}

/** Default ledger tables and lock wait. */
export const APP_DEFAULTS = Object.freeze({
  migrationsTable: 'knexus_migrations',
  seedsTable: 'knexus_seeds',
  lockTimeout: 30_000,
  knexTableName: 'knex_migrations',
  drift: 'error' as DriftPolicy,
});
