import type { AppConfig } from '../connection/app-config.js';
import type { AppHandle } from '../connection/app-handle.js';
import type { DatabaseConfig } from '../connection/database-config.js';
import type { RunResult } from '../migrations/ledger-types.js';
import type { MigrationsConfig } from '../migrations/migrations-config.js';
import type { UnregisterOptions } from '../plugins/lifecycle-types.js';
import type { PlacementPolicy } from './placement-policy.js';
import type { PlacementStore } from './placement-store.js';

/** What attaching a tenant does with its migrations. */
export const ATTACH_MODES = ['migrate', 'verify', 'off'] as const;
/**
 * `migrate` runs pending migrations while attaching; `verify` runs nothing and refuses a tenant that is
 * behind, drifted or dirty (`KNEXUS_ERR_TENANT_NOT_MIGRATED`); `off` neither runs nor checks.
 */
export type AttachMode = (typeof ATTACH_MODES)[number];

/** The names of the fleet: an array, an iterable, an async iterable (paged from a table), or a promise of an array. */
export type TenantList = Iterable<string> | AsyncIterable<string> | Promise<Iterable<string>>;

/** Options of `new AppRegistry({ tenants: … })`: where the fleet's names and configs come from and how many stay attached. */
export interface TenantDirectoryOptions {
  /**
   * The reusable app whose pool every tenant shares; register it before the first `tenant(name)`. With
   * `servers`, the home server holding the default placement table (a server key, or an app you
   * register); default the first server.
   */
  owner?: string;
  /**
   * Several PostgreSQL servers: each key names a server, each value its database. knexus registers one
   * reusable owner app per server (named after the key) when a tenant placed there first needs it; a
   * server that does not answer is retried every `serverRetry` ms while its tenants wait.
   */
  servers?: Readonly<Record<string, DatabaseConfig>>;
  /** Where each tenant lives (with `servers`); default a `knexus_tenant_placement` table on the home server (`owner`). */
  placement?: PlacementStore;
  /** The server of a tenant seen for the first time, among those that answer; default `fewestTenants`. */
  placementPolicy?: PlacementPolicy;
  /** ms between two attempts to reach a server that is down; default 5000. */
  serverRetry?: number;
  /** Folder holding `pg_dump` and `pg_restore` for `move()`; default the ones on PATH. */
  pgTools?: string;
  /** Every tenant name, read again (at most once a second) when `tenant(name)` asks for a name it did not list. */
  list: () => TenantList;
  /**
   * The app config of tenant `name` placed on `server` (the owner without `servers`); default
   * `{ useConnection: server, schema: name, migrations }`. Its `migrations.enabled` is set by `attach`.
   */
  config?: (name: string, server: string) => AppConfig | Promise<AppConfig>;
  /** The tenants' migrations, used by the default `config` and by `check()`/`migrate()`; default none. */
  migrations?: MigrationsConfig;
  /** What attaching does with the tenant's migrations; default `migrate`. `verify` makes a replica's first request cheap and safe. */
  attach?: AttachMode;
  /** ms after its last `tenant(name)` call (and with no connection held) a tenant is detached, never rolled back; default 600000, 0 never. */
  idleTimeout?: number;
  /** Most tenants attached at once; beyond it the least recently used idle one is detached; default 1000, 0 no limit. */
  maxResident?: number;
  /** Prometheus series per tenant (`true`) or tenants counted per state (default `false`: a scrape's size does not grow with the fleet). */
  perTenantMetrics?: boolean;
}

/** The part of the AppRegistry a tenant directory uses (the registry implements it). */
export interface TenantHost {
  registerApp(name: string, config: AppConfig): Promise<AppHandle>;
  unregisterApp(name: string, options?: UnregisterOptions): Promise<boolean>;
  hasApp(name: string): boolean;
  getApp(name: string): AppHandle;
  /**
   * Applies the pending migrations of tenant `name` (a config sharing a pool, with a schema of its own)
   * without attaching it, for fleet jobs; optional: without it, a job attaches each tenant it migrates.
   */
  migrateDetached?(name: string, config: AppConfig, options: { to?: string; schemaExists?: boolean }): Promise<RunResult>;
}
