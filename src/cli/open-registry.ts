import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { AppRegistry } from '../registry/app-registry.js';
import type { AppRegistryOptions } from '../registry/app-registry-options.js';
import { isKnexusError } from '../errors.js';
import type { RegistrySettings } from '../registry/registry-settings.js';
import type { ConfiguredApp, ValidatedConfig } from '../config/validate-config.js';
import { configError } from '../config/validate-config.js';
import { sqliteFilePath } from '../util/sqlite-file-path.js';
import { dialectOf } from '../dialects/dialect-of.js';

/**
 * A registry built from a loaded config, with relative paths resolved against the config's folder.
 * `settings` override the file's registry settings (`up` turns health checks on this way); with
 * `plugins: false` the configured plugins are not loaded.
 */
export function openRegistry(loaded: ValidatedConfig, settings: RegistrySettings = {}, { plugins: withPlugins = true } = {}): AppRegistry {
  const { registry, plugins, pluginManager } = loaded.config;
  const options: AppRegistryOptions = { baseDir: loaded.baseDir, registry: { ...registry, ...settings } };
  if (plugins !== undefined && withPlugins) options.plugins = plugins;
  if (pluginManager !== undefined) options.pluginManager = pluginManager;
  if (loaded.config.tenants !== undefined) options.tenants = loaded.config.tenants;
  try {
    return new AppRegistry(options);
  } catch (error) {
    // Settings are validated by the constructor; say which file holds the bad one.
    if (isKnexusError(error, 'KNEXUS_ERR_INVALID_CONFIG'))
      throw configError(loaded.file, error.field ?? 'registry', error.message, {}, error);
    throw error;
  }
}

/** Creates the folder of every SQLite file these apps use: SQLite creates the file but not its folder. */
export function ensureSqliteFolders(apps: readonly ConfiguredApp[]): void {
  for (const { resolved } of apps) {
    const db = resolved.database;
    if (db === undefined || !dialectOf(db.client).fileDatabase) continue;
    const filename = sqliteFilePath((db.connection as { filename?: unknown }).filename);
    if (filename !== undefined) mkdirSync(dirname(filename), { recursive: true });
  }
}
