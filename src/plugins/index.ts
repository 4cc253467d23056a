export { PluginManager } from './plugin-manager.js';
export type { PluginHost } from './plugin-host.js';
export type { PluginStorage, StorageSetOptions } from './plugin-storage.js';
export type * from './plugin-types.js';
export { PLUGIN_ORDERS } from './plugin-types.js';
export * from './hook-map.js';
