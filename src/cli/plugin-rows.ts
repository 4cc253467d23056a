import type { ValidatedConfig } from '../config/validate-config.js';
import type { PluginInitializeResult } from '../plugins/plugin-types.js';
import type { AppRegistry } from '../registry/app-registry.js';
import { errorMessage } from '../errors.js';
import { errorCode } from './format-error.js';

/** One plugin as the CLI reports it. */
export interface PluginRow {
  readonly name: string;
  /** `loaded`, `failed`, `disabled` (switched off in the config or by its error threshold), or another plugin-manager state. */
  readonly state: string;
  readonly version: string | null;
  readonly loadTimeMs: number | null;
  readonly error: { readonly code: string; readonly message: string } | null;
}

/** Every configured or loaded plugin with its state, version, load time and error, from the config, `initialize()` and `plugins.getStatus()`. */
export function pluginRows(registry: AppRegistry, init: PluginInitializeResult | undefined, loaded: ValidatedConfig): PluginRow[] {
  const status = registry.plugins.getStatus();
  const rows = new Map<string, PluginRow>();
  // Config order first; what the manager reports then fills each row in.
  for (const [name, entry] of Object.entries(loaded.config.plugins ?? {})) {
    rows.set(name, { name, state: entry.enabled === false ? 'disabled' : 'not loaded', version: null, loadTimeMs: null, error: null });
  }
  for (const plugin of Object.values(status.plugins)) {
    rows.set(plugin.name, {
      name: plugin.name,
      state: plugin.status === 'active' ? 'loaded' : plugin.status,
      version: plugin.version,
      loadTimeMs: plugin.loadTimeMs,
      error: plugin.metrics.lastError === undefined || plugin.status === 'active' ? null : { code: 'KNEXUS_ERR_PLUGIN_DISABLED', message: plugin.metrics.lastError },
    });
  }
  const failures = init?.failedPlugins.map((f) => ({ name: f.name, code: errorCode(f.error), error: errorMessage(f.error) })) ?? status.failed;
  for (const failure of failures) {
    rows.set(failure.name, { name: failure.name, state: 'failed', version: null, loadTimeMs: null, error: { code: failure.code, message: failure.error } });
  }
  return [...rows.values()];
}
