import type { KnexfileReference } from '../knexfile/knexfile-reference.js';
import type { KnexLedgerMode, MigrationsConfig, ResolvedLedgerConfig, SeedsConfig } from '../migrations/migrations-config.js';
import type { ModelClass, ModelDefinition, ModelsConfig } from '../models/model-definition.js';
import type { DatabaseConfig, ResolvedDatabaseConfig } from './database-config.js';

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
  readonly database: ResolvedDatabaseConfig | undefined;
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
      knexLedger: KnexLedgerMode;
    }>;
  readonly seeds: ResolvedLedgerConfig;
  readonly models: Readonly<{ enabled: boolean; definitions: Readonly<Record<string, ModelClass | ModelDefinition>> }>;
  readonly reusable: boolean;
  readonly useConnection: string | undefined;
}
