import type { HookName } from './hooks/hook-map.js';
import type { PluginState } from './plugin-state.js';

/** What the manager tells a plugin instance about itself, read by `PluginInterface`'s default `getStatus()`. */
export interface PluginRuntime {
  readonly state: PluginState;
  readonly hooks: Readonly<
    Partial<Record<HookName, { calls: number; errors: number; timeouts: number; totalMs: number; averageMs: number }>>
  >;
}

const runtimes = new WeakMap<object, () => PluginRuntime>();

/** Links a plugin instance to the manager's live view of it. */
export function attachRuntime(plugin: object, view: () => PluginRuntime): void {
  runtimes.set(plugin, view);
}

/** The manager's live view of `plugin`, if it was ever loaded. */
export function runtimeOf(plugin: object): PluginRuntime | undefined {
  return runtimes.get(plugin)?.();
}
