import type { AppRegistry } from '../registry/app-registry.js';
import type { PluginInitializeResult } from '../plugins/plugin-types.js';
import type { ValidatedConfig } from '../config/validate-config.js';
import { errorCode } from './format-error.js';
import { errorMessage } from '../errors.js';

/** One plugin as the CLI reports it. */
export interface PluginRow {
  readonly name: string;
  /** `loaded`, `failed`, `disabled` (switched off in the config), or a state the plugin manager reports. */
  readonly state: string;
  readonly version: string | undefined;
  readonly loadTimeMs: number | undefined;
  readonly error: { readonly code: string; readonly message: string } | undefined;
}

type Loose = Record<string, unknown>;
const isObject = (value: unknown): value is Loose => typeof value === 'object' && value !== null;

/**
 * Every configured or loaded plugin with its state, version, load time and error, merged from the
 * config, `initialize()`'s result and `registry.plugins.getStatus()` (read tolerantly: the status
 * object is the plugin manager's to shape).
 */
export function pluginRows(registry: AppRegistry, init: PluginInitializeResult | undefined, loaded: ValidatedConfig): PluginRow[] {
  const detail = statusEntries(registry.plugins.getStatus());
  const rows = new Map<string, PluginRow>();
  for (const [name, entry] of Object.entries(loaded.config.plugins ?? {})) {
    if (entry.enabled === false) rows.set(name, { name, state: 'disabled', version: undefined, loadTimeMs: undefined, error: undefined });
  }
  for (const plugin of registry.getAllPlugins()) {
    const info = detail.get(plugin.name);
    const state = typeof info?.['state'] === 'string' && info['state'] !== 'active' ? info['state'] : 'loaded';
    rows.set(plugin.name, { name: plugin.name, state, version: plugin.version, loadTimeMs: loadTime(info), error: undefined });
  }
  for (const failure of init?.failedPlugins ?? []) {
    rows.set(failure.name, {
      name: failure.name,
      state: 'failed',
      version: undefined,
      loadTimeMs: loadTime(detail.get(failure.name)),
      error: { code: errorCode(failure.error), message: errorMessage(failure.error) },
    });
  }
  return [...rows.values()];
}

/** Per-plugin entries of the manager's status, whether it keys them by name or lists them. */
function statusEntries(status: unknown): Map<string, Loose> {
  const out = new Map<string, Loose>();
  const plugins = isObject(status) ? status['plugins'] : undefined;
  const list = Array.isArray(plugins) ? plugins : isObject(plugins) ? Object.entries(plugins).map(([name, v]) => (isObject(v) ? { name, ...v } : { name })) : [];
  for (const item of list) if (isObject(item) && typeof item['name'] === 'string') out.set(item['name'], item);
  return out;
}

function loadTime(info: Loose | undefined): number | undefined {
  const value = info?.['loadTimeMs'] ?? info?.['loadTime'];
  return typeof value === 'number' ? value : undefined;
}
