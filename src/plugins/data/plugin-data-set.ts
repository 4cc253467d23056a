import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { invalidPluginError } from '../plugin-errors.js';
import { declared } from '../loading/plugin-declarations.js';
import type { Plugin } from '../plugin.js';

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
export function pluginDataSet(plugin: Plugin, origin: { resolvedPath?: string | undefined }): PluginDataSet | undefined {
  // A plugin handed over as a class or an object has no module file knexus knows of, so a relative folder
  // would resolve against whatever the process's folder is: refused (see `read`).
  const folder = origin.resolvedPath === undefined ? undefined : dirname(origin.resolvedPath);
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
  folder: string | undefined,
): { directories: readonly string[]; apps: readonly string[] | undefined } | undefined {
  const value = declared(plugin, key);
  if (value === undefined || value === null) return undefined;
  const bad = (problem: string) =>
    invalidPluginError({ pluginName: plugin.name }, `Plugin '${plugin.name}': ${key} ${problem}, e.g. { directory: './migrations' }`);
  if (typeof value !== 'object' || Array.isArray(value)) throw bad('must be an object');
  const { directory, apps } = value as { directory?: unknown; apps?: unknown };
  const given: unknown[] | undefined = typeof directory === 'string' || directory instanceof URL ? [directory] : Array.isArray(directory) ? directory : undefined;
  const list = given?.map((d) => (d instanceof URL && d.protocol === 'file:' ? fileURLToPath(d) : d));
  if (list === undefined || list.length === 0 || !list.every((d): d is string => typeof d === 'string' && d !== '')) {
    throw bad("needs 'directory': a folder (a path or a file: URL) or a list of folders");
  }
  const relative = folder === undefined ? list.find((d) => !isAbsolute(d)) : undefined;
  if (relative !== undefined) {
    throw invalidPluginError(
      { pluginName: plugin.name },
      `Plugin '${plugin.name}': ${key}.directory '${relative}' is relative, but the plugin was loaded as a class or an object, ` +
        `so knexus does not know its module's folder. Give the folder from the module itself: ` +
        `{ directory: new URL('./${key}', import.meta.url) } (or an absolute path), or load the plugin by module path.`,
    );
  }
  if (apps !== undefined && (!Array.isArray(apps) || !apps.every((a) => typeof a === 'string'))) {
    throw bad("'apps' must be a list of app names");
  }
  return {
    directories: Object.freeze(list.map((d) => (isAbsolute(d) || folder === undefined ? d : resolve(folder, d)))),
    apps: apps as readonly string[] | undefined,
  };
}
