import { HOOK_NAMES } from '../hooks/hook-map.js';
import { invalidPluginError, type PluginErrorSource } from '../plugin-errors.js';
import { declared } from './plugin-declarations.js';
import type { Plugin } from '../plugin.js';

const REQUIRED_METHODS = ['initialize', 'shutdown', 'getStatus'] as const;

/** Throws `KNEXUS_ERR_PLUGIN_INVALID` unless `candidate` has a plugin's shape. */
export function validatePlugin(candidate: unknown, source: PluginErrorSource): asserts candidate is Plugin {
  if (candidate === null || typeof candidate !== 'object') {
    throw invalidPluginError(source, `Plugin must be an object or a class instance, got ${typeof candidate}`);
  }
  const plugin = candidate as Record<string, unknown>;
  const named = { ...source, pluginName: typeof plugin['name'] === 'string' ? plugin['name'] : source.pluginName };
  for (const method of REQUIRED_METHODS) {
    if (typeof plugin[method] !== 'function') {
      throw invalidPluginError(named, `Plugin must implement ${method}() method (plugin '${named.pluginName ?? '?'}')`);
    }
  }
  if (typeof plugin['name'] !== 'string' || plugin['name'].trim() === '') {
    throw invalidPluginError(named, "Plugin must have a non-empty string 'name' (pass it to super(name, version))");
  }
  if (typeof plugin['version'] !== 'string') {
    throw invalidPluginError(named, `Plugin '${plugin['name']}' must have a string 'version'`);
  }
  if (plugin['validateConfiguration'] !== undefined && typeof plugin['validateConfiguration'] !== 'function') {
    throw invalidPluginError(named, `Plugin '${plugin['name']}': validateConfiguration must be a method`);
  }
  for (const hook of HOOK_NAMES) {
    if (plugin[hook] !== undefined && typeof plugin[hook] !== 'function') {
      throw invalidPluginError(named, `Plugin '${plugin['name']}': ${hook} must be a method, got ${typeof plugin[hook]}`);
    }
  }
  const order = declared(plugin, 'order');
  if (order !== undefined && order !== 'pre' && order !== 'post') {
    throw invalidPluginError(named, `Plugin '${plugin['name']}': order must be 'pre' or 'post', got ${String(order)}`);
  }
  const priority = declared(plugin, 'priority');
  if (priority !== undefined && (typeof priority !== 'number' || Number.isNaN(priority))) {
    throw invalidPluginError(named, `Plugin '${plugin['name']}': priority must be a number`);
  }
  for (const key of ['dependencies', 'optionalDependencies'] as const) {
    const deps = declared(plugin, key);
    const depsOk =
      deps === undefined ||
      (Array.isArray(deps) && deps.every((d) => typeof d === 'string')) ||
      (deps !== null && typeof deps === 'object' && !Array.isArray(deps) && Object.values(deps).every((r) => typeof r === 'string'));
    if (!depsOk) {
      throw invalidPluginError(named, `Plugin '${plugin['name']}': ${key} must be a list of names or an object of name to semver range`);
    }
  }
}
