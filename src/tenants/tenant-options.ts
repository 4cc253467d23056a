import type { AppConfig } from '../connection/app-config.js';
import type { AppHandle } from '../connection/app-handle.js';
import type { MigrationsConfig } from '../migrations/migrations-config.js';
import type { UnregisterOptions } from '../plugins/lifecycle-types.js';

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
  /** The reusable app whose pool every tenant shares; register it before the first `tenant(name)`. */
  owner: string;
  /** Every tenant name, read again (at most once a second) when `tenant(name)` asks for a name it did not list. */
  list: () => TenantList;
  /**
   * The app config of tenant `name`; default `{ useConnection: owner, schema: name, migrations }`.
   * Its `migrations.enabled` is set by `attach`.
   */
  config?: (name: string) => AppConfig | Promise<AppConfig>;
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
}
