import { frozenError } from '../../errors.js';
import type { HookFailureReporter } from './hook-dispatcher.js';
import type { HookArgs } from './hook-map.js';
import type { HostEmitter } from '../host-emitter.js';
import type { MaxErrorsOptions } from '../plugin-types.js';

/** What the policy acts through. */
export interface HookFailurePolicyOptions {
  /** Disable a plugin once this many of its hook calls fail within the window; undefined: never. */
  readonly maxErrors: MaxErrorsOptions | undefined;
  readonly events: HostEmitter;
  /** The plugin table changed (a plugin was disabled): rebuild the dispatch lists. */
  readonly touch: () => void;
  /** Tells plugins about the failure (`onOperationFailed`). */
  readonly dispatchFailure: (args: HookArgs<'onOperationFailed'>) => Promise<unknown>;
  /** True once the plugin system shuts down: no follow-up hook calls then. */
  readonly closing: () => boolean;
}

/**
 * What happens when a plugin's hook call fails or times out: an `error` event naming the plugin and
 * the hook; the `maxErrors` sliding window, which disables the plugin (`plugin-disabled`) at its
 * `count`th failure; and a follow-up `onOperationFailed` (operation `plugin-hook`) to every plugin,
 * unless the failing hook was `onOperationFailed` itself, no app was involved, or the system is closing.
 */
export function hookFailurePolicy(options: HookFailurePolicyOptions): HookFailureReporter {
  const { maxErrors: limit, events } = options;
  return (record, hook, appName, error) => {
    events.error({
      component: 'PluginManager',
      phase: 'hook',
      hook,
      pluginName: record.name,
      error,
      ...(appName === undefined ? {} : { appName }),
    });
    if (limit !== undefined && record.state === 'active') {
      const count = record.recordFailure(performance.now(), limit.windowMs);
      if (count >= limit.count) {
        record.state = 'disabled';
        options.touch();
        events.emit('plugin-disabled', { name: record.name, errors: count, windowMs: limit.windowMs, lastError: record.lastError });
      }
    }
    if (hook === 'onOperationFailed' || appName === undefined || options.closing()) return undefined;
    return options.dispatchFailure([appName, 'plugin-hook', frozenError(error), Object.freeze({ hook, pluginName: record.name })]);
  };
}
