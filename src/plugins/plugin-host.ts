import { KnexusError } from '../errors.js';
import type { PluginContext } from './plugin.js';

/** A registry event listener as eventemitter3 stores it. */
export type HostListener = (...args: any[]) => void;

/** What a `PluginManager` serves: the same as `PluginContext` (the `AppRegistry` satisfies it). */
export type PluginHost = PluginContext;

/** Refuses a `PluginManager` without a registry (or an event emitter) to serve. */
export function assertPluginHost(appRegistry: unknown): asserts appRegistry is PluginHost {
  const host = appRegistry as { emit?: unknown } | null;
  if (host === null || typeof host !== 'object' || typeof host.emit !== 'function') {
    throw new KnexusError(
      'KNEXUS_ERR_INVALID_CONFIG',
      `new PluginManager(appRegistry) needs the AppRegistry (or an event emitter) it serves, got ${appRegistry === null ? 'null' : typeof appRegistry}; ` +
        'use registry.plugins, which the AppRegistry builds itself',
      { field: 'appRegistry' },
    );
  }
}
