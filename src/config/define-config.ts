import type { PluginManagerOptions, PluginsConfig } from '../plugins/plugin-types.js';
import type { AppConfig } from '../connection/app-config.js';
import type { RegistrySettings } from '../registry/registry-settings.js';
import type { TenantDirectoryOptions } from '../tenants/tenant-options.js';

/** Everything a `registry.config.ts` file describes: registry settings, plugins and the apps to register at start-up. */
export interface KnexusConfig {
  /** Registry-wide settings (shutdown and health-check timings); default: the AppRegistry defaults. */
  readonly registry?: RegistrySettings;
  /** Options of the plugin manager (timeouts, concurrency, metrics); default: the PluginManager defaults. */
  readonly pluginManager?: PluginManagerOptions;
  /** Config-driven plugins by name, loaded by `initialize()`; relative `module` paths resolve against the config file's folder. */
  readonly plugins?: PluginsConfig;
  /** Apps registered at start-up, in this order (an app using `useConnection` must come after its owner). */
  readonly apps?: Readonly<Record<string, AppConfig>>;
  /** A fleet of schema tenants on one of the apps' pools (`owner`), listed by `list()`; `knexus status|migrate|rollback --tenants` reach all of them. */
  readonly tenants?: TenantDirectoryOptions;
}

/**
 * Types a `registry.config.ts` file; returns its argument unchanged.
 *
 * @example
 * export default defineConfig({
 *   apps: {
 *     blog: {
 *       database: { client: 'better-sqlite3', connection: { filename: './data/blog.sqlite' } },
 *       migrations: { directory: './migrations' },
 *     },
 *   },
 * });
 */
export function defineConfig<const T extends KnexusConfig>(config: T): T {
  return config;
}
