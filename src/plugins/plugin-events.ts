import type { KnexusError } from '../errors.js';

/** Events the plugin system emits on the registry; meant to be merged into `RegistryEvents`. */
export interface PluginEvents {
  'plugin-loaded': [event: { name: string; version: string; loadTimeMs: number; module: string | undefined }];
  'plugin-unloaded': [event: { name: string; version: string; purgedData: boolean; error: KnexusError | undefined }];
  'plugin-reloaded': [event: { name: string; previousVersion: string; version: string; loadTimeMs: number }];
  'plugin-disabled': [event: { name: string; errors: number; windowMs: number; lastError: Error | undefined }];
}

/** Names of the events in `PluginEvents`. */
export const PLUGIN_EVENT_NAMES = ['plugin-loaded', 'plugin-unloaded', 'plugin-reloaded', 'plugin-disabled'] as const;
