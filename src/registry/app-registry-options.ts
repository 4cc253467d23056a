import type { PluginManagerOptions, PluginInitializeResult, PluginsConfig } from '../plugins/plugin-types.js';
import type { TenantDirectoryOptions } from '../tenants/tenant-options.js';
import type { RegistrySettings } from './registry-settings.js';

/** Options of `new AppRegistry(…)`. */
export interface AppRegistryOptions {
  /** Registry-wide settings. */
  registry?: RegistrySettings;
  /** Config-driven plugins, loaded by `initialize()`; `directory` loads every plugin module of a folder. */
  plugins?: PluginsConfig;
  /** Options of the registry's PluginManager. */
  pluginManager?: PluginManagerOptions;
  /** Folder that relative paths (migrations, seeds, SQLite files, plugin modules) resolve against; default `process.cwd()`. */
  baseDir?: string;
  /** A fleet of schema tenants on one owner's pool, attached lazily by `registry.tenant(name)`; see README "Many tenants". */
  tenants?: TenantDirectoryOptions;
}

/** What `initialize()` resolves with. */
export interface InitializeResult extends PluginInitializeResult {
  readonly initialized: true;
}
