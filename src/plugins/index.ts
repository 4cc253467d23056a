export { PluginInterface, type DefaultPluginStatus } from './plugin-interface.js';
export type { PluginDataSet, PluginFolderDeclaration } from './plugin-data-set.js';
export { definePlugin } from './define-plugin.js';
export { PluginManager } from './plugin-manager.js';
export { PLUGIN_MANAGER_DEFAULTS, type ResolvedPluginManagerOptions } from './plugin-manager-options.js';
export { PLUGIN_ORDERS } from './plugin-types.js';
export type {
  MaxErrorsOptions,
  Plugin,
  PluginClass,
  PluginDependencies,
  PluginEntry,
  PluginsConfig,
  PluginFailure,
  PluginHooks,
  PluginInitializeResult,
  PluginLoadFailure,
  PluginManagerOptions,
  PluginOrder,
  PluginShutdownResult,
  PluginSource,
  UnloadOptions,
} from './plugin-types.js';
export { PLUGIN_EVENT_NAMES, type PluginEvents } from './plugin-events.js';
export { PLUGIN_STATES, type PluginState } from './plugin-record.js';
export type { PluginMetricsSnapshot, PluginStatus, PluginSystemStatus } from './plugin-status.js';
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
