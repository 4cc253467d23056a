import { dirname, isAbsolute, resolve } from 'node:path';
import { invalidPluginError } from './plugin-errors.js';
import { declared } from './plugin-declarations.js';
import type { Plugin } from './plugin.js';
import type { PluginFolderDeclaration } from './plugin-folder-declaration.js';

/** A plugin's own migrations and seeds, resolved: run in each app's database under the ledger namespace `plugin:<name>`. */
export interface PluginDataSet {
  readonly pluginName: string;
  readonly plugin: Plugin;
  /** The ledger key of its rows, `plugin:<name>`, apart from the app's own history. */
  readonly namespace: string;
  readonly migrations: readonly string[];
  readonly seeds: readonly string[];
  /** True when `appName`'s database receives them. */
  appliesTo(appName: string): boolean;
}

/**
 * Reads a plugin's `migrations`/`seeds` declarations; undefined when it declares neither. Throws
 * `KNEXUS_ERR_PLUGIN_INVALID` for a malformed declaration.
 */
export function pluginDataSet(plugin: Plugin, origin: { resolvedPath?: string | undefined }, baseDir: string): PluginDataSet | undefined {
  const folder = origin.resolvedPath === undefined ? baseDir : dirname(origin.resolvedPath);
  const migrations = read(plugin, 'migrations', folder);
  const seeds = read(plugin, 'seeds', folder);
  if (migrations === undefined && seeds === undefined) return undefined;
  const apps = [...(migrations?.apps ?? []), ...(seeds?.apps ?? [])];
  const limited = migrations?.apps !== undefined || seeds?.apps !== undefined;
  return Object.freeze({
    pluginName: plugin.name,
    plugin,
    namespace: `plugin:${plugin.name}`,
    migrations: migrations?.directories ?? [],
    seeds: seeds?.directories ?? [],
    appliesTo: (appName: string) => !limited || apps.includes(appName),
  });
}

function read(
  plugin: Plugin,
  key: 'migrations' | 'seeds',
  folder: string,
): { directories: readonly string[]; apps: readonly string[] | undefined } | undefined {
  const value = declared(plugin, key);
  if (value === undefined || value === null) return undefined;
  const bad = (problem: string) =>
    invalidPluginError({ pluginName: plugin.name }, `Plugin '${plugin.name}': ${key} ${problem}, e.g. { directory: './migrations' }`);
  if (typeof value !== 'object' || Array.isArray(value)) throw bad('must be an object');
  const { directory, apps } = value as { directory?: unknown; apps?: unknown };
  const list = typeof directory === 'string' ? [directory] : directory;
  if (!Array.isArray(list) || list.length === 0 || !list.every((d) => typeof d === 'string' && d !== '')) {
    throw bad("needs 'directory': a folder or a list of folders");
  }
  if (apps !== undefined && (!Array.isArray(apps) || !apps.every((a) => typeof a === 'string'))) {
    throw bad("'apps' must be a list of app names");
  }
  return {
    directories: Object.freeze(list.map((d: string) => (isAbsolute(d) ? d : resolve(folder, d)))),
    apps: apps as readonly string[] | undefined,
  };
}
