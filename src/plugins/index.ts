export { PluginInterface, type DefaultPluginStatus } from './plugin-interface.js';
export type { PluginDataSet } from './plugin-data-set.js';
export type { PluginFolderDeclaration } from './plugin-folder-declaration.js';
export { definePlugin } from './define-plugin.js';
export { PluginManager } from './plugin-manager.js';
export { PLUGIN_MANAGER_DEFAULTS, type ResolvedPluginManagerOptions } from './plugin-manager-options.js';
export { PLUGIN_ORDERS } from './plugin-types.js';
export type { MaxErrorsOptions, PluginEntry, PluginsConfig, PluginFailure, PluginInitializeResult, PluginLoadFailure, PluginManagerOptions, PluginOrder, PluginShutdownResult, UnloadOptions } from './plugin-types.js';
export type { Plugin, PluginClass, PluginContext, PluginDependencies, PluginHooks, PluginSource } from './plugin.js';
export { PLUGIN_EVENT_NAMES, type PluginEvents } from './plugin-events.js';
export { PLUGIN_STATES, type PluginState } from './plugin-state.js';
export type { PluginMetricsSnapshot, PluginStatus, PluginSystemStatus } from './plugin-system-status.js';
export type { PluginStorage, StorageSetOptions } from './plugin-storage.js';
export { PLUGIN_STORAGE_TABLE } from './knex-storage-backend.js';
export { PLUGIN_METRIC_NAMES } from './render-plugin-metrics.js';
export type { PluginHost } from './plugin-host.js';
export {
  HOOK_NAMES,
  type Awaitable,
  type HookArgs,
  type HookContext,
  type HookName,
  type HookResult,
  type LifecycleDispatcher,
  type LifecycleHooks,
} from './hook-map.js';
