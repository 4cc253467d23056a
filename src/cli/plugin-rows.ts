import { expandPluginEntries } from '../plugins/loading/discover-plugins.js';
import type { ValidatedConfig } from '../config/validate-config.js';
import type { PluginInitializeResult } from '../plugins/plugin-types.js';
import type { AppRegistry } from '../registry/app-registry.js';
import type { ExitCode } from './exit-codes.js';
import { exitCodeForCodes } from './format-error.js';

/** One plugin as the CLI reports it. */
export interface PluginRow {
  readonly name: string;
  /** `loaded`, `failed`, `disabled` (switched off in the config or by its error threshold), or another plugin-manager state. */
  readonly state: string;
  readonly version: string | null;
  readonly loadTimeMs: number | null;
  /** Why the plugin is not running (failed to load, disabled by its error threshold); null for a loaded plugin. */
  readonly error: { readonly code: string; readonly message: string } | null;
  /** Hook calls that threw or timed out since the plugin loaded; the operations themselves went on. */
  readonly hookErrors: number;
  /** The message of the latest of those, null when there is none. */
  readonly lastHookError: string | null;
  /** Where a loaded plugin serves (its `getStatus().url`: the metrics endpoint, the board), if it does. */
  readonly url?: string;
}

/** Every configured or loaded plugin with its state, version, load time, errors and hook failures, from the config, `initialize()` and `plugins.getStatus()`. */
export function pluginRows(registry: AppRegistry, init: PluginInitializeResult | undefined, loaded: ValidatedConfig): PluginRow[] {
  const status = registry.plugins.getStatus();
  const rows = new Map<string, PluginRow>();
  const idle = { version: null, loadTimeMs: null, error: null, hookErrors: 0, lastHookError: null };
  // Config order first; what the manager reports then fills each row in.
  for (const [name, entry] of Object.entries(expandPluginEntries(loaded.config.plugins ?? {}, loaded.baseDir))) {
    rows.set(name, { name, state: entry.enabled === false ? 'disabled' : 'not loaded', ...idle });
  }
  for (const plugin of Object.values(status.plugins)) {
    const { errors, timeouts, lastError } = plugin.metrics;
    const active = plugin.status === 'active';
    rows.set(plugin.name, {
      name: plugin.name,
      state: active ? 'loaded' : plugin.status,
      version: plugin.version,
      loadTimeMs: plugin.loadTimeMs,
      error: lastError === undefined || active ? null : { code: 'KNEXUS_ERR_PLUGIN_DISABLED', message: lastError },
      hookErrors: errors + timeouts,
      lastHookError: lastError ?? null,
      ...servedAt(registry, plugin.name, active),
    });
  }
  const failures = init?.failedPlugins.map((f) => ({ name: f.name, code: f.code, error: f.error })) ?? status.failed;
  for (const failure of failures) {
    rows.set(failure.name, { name: failure.name, state: 'failed', ...idle, error: { code: failure.code, message: failure.error } });
  }
  return [...rows.values()];
}

/** The exit code plugin rows call for: 0 when none failed, 2 when only their config entries are wrong, 1 otherwise. */
export function pluginsExitCode(rows: readonly PluginRow[]): ExitCode {
  return exitCodeForCodes(rows.filter((row) => row.state === 'failed').map((row) => row.error?.code ?? 'KNEXUS_ERR_UNEXPECTED'));
}

/** `{ url }` when the loaded plugin reports one in its status (a plugin that listens on HTTP). */
function servedAt(registry: AppRegistry, name: string, active: boolean): { url?: string } {
  if (!active) return {};
  try {
    const status = registry.getPlugin(name)?.getStatus() as { url?: unknown } | undefined;
    return typeof status?.url === 'string' ? { url: status.url } : {};
  } catch {
    // A status that throws tells nothing about where the plugin serves.
    return {};
  }
}
