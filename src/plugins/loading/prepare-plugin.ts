import pTimeout from 'p-timeout';
import type { KnexusError } from '../../errors.js';
import { importPluginModule } from './import-plugin-module.js';
import { checkKnexusRange } from './check-knexus-range.js';
import { pickPluginExport } from './pick-plugin-export.js';
import { applyConfigSchema } from './plugin-config-schema.js';
import { declared } from './plugin-declarations.js';
import { importFailedError, initFailedError, invalidPluginError } from '../plugin-errors.js';
import { PluginRecord, type PluginOrigin } from '../plugin-record.js';
import type { Plugin, PluginClass, PluginSource } from '../plugin.js';
import { resolvePluginModule } from './resolve-plugin-module.js';
import { validatePlugin } from './validate-plugin.js';
import { pluginDataSet } from '../data/plugin-data-set.js';
import { hookTimeoutsOf } from '../hooks/plugin-hook-timeouts.js';
import { assertAllowedModule, assertAllowedSpecifier } from './assert-allowed-module.js';
import { deepFreeze, safeCopy } from '../../util/safe-copy.js';

/** How to turn a `PluginSource` into a constructed plugin. */
export interface PrepareOptions {
  readonly config: Readonly<Record<string, unknown>>;
  /** Folder relative module paths resolve against. */
  readonly baseDir: string;
  /** Folders a file or `file:` module must really lie in (symlinks followed); packages are allowed anywhere. */
  readonly allowedRoots: readonly string[];
  /** The config key, used to pick a named export and in error messages. */
  readonly key?: string | undefined;
  /** Bypass module caches (reload). */
  readonly fresh?: boolean;
  /** Budget for the import, in ms. */
  readonly timeoutMs: number;
  /** Thrown when the import exceeds `timeoutMs`; created by the caller so its stack points there. */
  readonly timeoutError: KnexusError;
}

/**
 * Imports (for a module specifier), constructs (for a class, with the config) and validates a
 * plugin, returning its record in the `loading` state. Nothing is registered yet.
 */
export async function preparePlugin(source: PluginSource, options: PrepareOptions): Promise<PluginRecord> {
  const { key } = options;
  // The plugin gets its own copy, so whatever it does to its config never reaches the caller's object;
  // the origin keeps a frozen copy as given, for reloads.
  const config = safeCopy(options.config);
  let origin: PluginOrigin = { config: deepFreeze(safeCopy(options.config)), ...(key === undefined ? {} : { key }) };
  let candidate: PluginClass | Plugin = source as PluginClass | Plugin;
  if (typeof source === 'string') {
    let resolvedPath: string;
    assertAllowedSpecifier(source, options.allowedRoots, key);
    try {
      resolvedPath = resolvePluginModule(source, options.baseDir);
    } catch (error) {
      throw importFailedError({ pluginName: key, module: source }, error);
    }
    // Checked before import: a refused module's top-level code never runs.
    assertAllowedModule(source, resolvedPath, options.allowedRoots, options.baseDir, key);
    origin = { ...origin, module: source, resolvedPath, baseDir: options.baseDir };
    let namespace: Record<string, unknown>;
    try {
      namespace = await pTimeout(importPluginModule(resolvedPath, options.fresh ?? false), {
        milliseconds: Math.max(1, options.timeoutMs),
        message: options.timeoutError,
      });
    } catch (error) {
      if (error === options.timeoutError) throw error;
      throw importFailedError({ pluginName: key, module: source, resolvedPath }, error);
    }
    const picked = pickPluginExport(namespace, key);
    if (picked === undefined) {
      throw invalidPluginError(
        { pluginName: key, module: source, resolvedPath },
        `Plugin module '${source}' exports no plugin class: export it as default` +
          (key === undefined ? '' : `, name it like the config key '${key}'`) +
          ', or make it the only class export',
      );
    }
    candidate = picked.value;
  }
  const errorSource = { pluginName: key, module: origin.module, resolvedPath: origin.resolvedPath };
  let plugin: unknown = candidate;
  if (typeof candidate === 'function') {
    origin = { ...origin, pluginClass: candidate };
    try {
      plugin = new candidate(config);
    } catch (error) {
      throw initFailedError({ ...errorSource, pluginName: key ?? candidate.name }, error);
    }
  } else if (candidate === null || typeof candidate !== 'object') {
    throw invalidPluginError(errorSource, `Plugin must be a class, an object or a module specifier, got ${String(candidate)}`);
  }
  validatePlugin(plugin, errorSource);
  checkKnexusRange(plugin, errorSource);
  // Its own migrations and seeds are checked now, so a folder knexus cannot place fails the load with a code
  // rather than surfacing later as a missing table.
  pluginDataSet(plugin, origin);
  hookTimeoutsOf(plugin, plugin.name);
  // The schema (instance or static) is read from the constructed plugin, so errors can name it; the
  // constructor gets the config as given, `validateConfiguration()` and `initialize()` the checked copy.
  const schema = declared(plugin, 'configSchema');
  const effective =
    schema === undefined
      ? config
      : applyConfigSchema(schema, config, { ...errorSource, pluginName: plugin.name, label: key ?? plugin.name });
  return new PluginRecord(plugin, origin, effective);
}
