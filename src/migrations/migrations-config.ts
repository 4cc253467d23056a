import type { KnexMigrationSource, KnexSeedSource, KnexSource } from './knex/knex-source.js';

/** What happens when an applied migration or seed file changed since it ran. */
export const DRIFT_POLICIES = ['error', 'warn', 'ignore'] as const;
/** Drift policy: `error` (default) refuses to register, `warn` emits a warning event, `ignore` only reports it in status. */
export type DriftPolicy = (typeof DRIFT_POLICIES)[number];

/** What knexus does with knex's own ledger once it runs an app's migrations. */
export const KNEX_LEDGER_MODES = ['frozen', 'mirror'] as const;
/**
 * `frozen` (default): knex's ledger is read (imported) but never written, so `knex migrate:latest` would
 * run knexus's later migrations again; `mirror`: every migration knexus applies or rolls back is
 * recorded there too, so old scripts that still call knex stay a no-op during a migration period.
 */
export type KnexLedgerMode = (typeof KNEX_LEDGER_MODES)[number];

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
  /** knex's own ledger table, read for `importKnexHistory` (written only with `knexLedger: 'mirror'`); default `knex_migrations`. */
  knexTableName?: string;
  /**
   * `mirror` keeps knex's ledger (`knexTableName`, created with its lock table if missing) in step with
   * what knexus applies and rolls back, in the same transaction, so `knex migrate:latest` left in a
   * Dockerfile finds nothing to do; default `frozen`, which never writes it.
   */
  knexLedger?: KnexLedgerMode;
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
