import type { Plugin } from './plugin.js';

/**
 * Types a plain-object plugin: hook parameters are inferred from `LifecycleHooks`.
 *
 * @example
 * ```ts
 * export default definePlugin({
 *   name: 'audit', version: '1.0.0',
 *   initialize() {}, shutdown() {}, getStatus: () => ({}),
 *   onAppRegistered(appName, connection, config, { signal }) {},
 * });
 * ```
 */
export function definePlugin<TConfig = Record<string, unknown>, const T extends Plugin<TConfig> = Plugin<TConfig>>(
  plugin: T & ThisType<T>,
): T {
  return plugin;
}
