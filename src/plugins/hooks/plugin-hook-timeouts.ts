import { MAX_TIMER_MS } from '../../util/duration.js';
import { HOOK_NAMES, type HookName } from './hook-map.js';
import { declared } from '../loading/plugin-declarations.js';
import { invalidPluginError } from '../plugin-errors.js';

/**
 * A plugin's own per-call budgets in ms for some hooks, overriding the manager's `hookTimeout` for its
 * calls only (`{ onAppRollbackStarted: 60_000 }`: a backup before a rollback); 0 turns the timeout off.
 */
export type PluginHookTimeouts = Readonly<Partial<Record<HookName, number>>>;

const HOOKS: ReadonlySet<string> = new Set(HOOK_NAMES);

/**
 * The `hookTimeouts` a plugin declares (instance field, getter or static field), checked: undefined when it
 * declares none; `KNEXUS_ERR_PLUGIN_INVALID` for an unknown hook name or a value that is not a duration.
 */
export function hookTimeoutsOf(plugin: object, pluginName: string): PluginHookTimeouts | undefined {
  const value = declared(plugin, 'hookTimeouts');
  if (value === undefined || value === null) return undefined;
  const example = 'e.g. { onAppRollbackStarted: 60_000 }';
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw invalidPluginError(
      { pluginName },
      `Plugin '${pluginName}': hookTimeouts must be an object of hook names to milliseconds, ${example}`,
    );
  }
  for (const [hook, ms] of Object.entries(value)) {
    if (!HOOKS.has(hook)) {
      throw invalidPluginError(
        { pluginName },
        `Plugin '${pluginName}': hookTimeouts names '${hook}', which is not a hook (${HOOK_NAMES.join(', ')})`,
      );
    }
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0 || ms > MAX_TIMER_MS) {
      throw invalidPluginError(
        { pluginName },
        `Plugin '${pluginName}': hookTimeouts.${hook} must be milliseconds from 0 (no timeout) to ${MAX_TIMER_MS}, got ${String(ms)}; ${example}`,
      );
    }
  }
  return value as PluginHookTimeouts;
}
