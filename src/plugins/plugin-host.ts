import type { Knex } from 'knex';
import type { RegistryErrorEvent } from './registry-events.js';

/** A registry event listener as eventemitter3 stores it. */
export type HostListener = (...args: any[]) => void;

/**
 * The part of `AppRegistry` the plugin system relies on; `AppRegistry` satisfies it structurally,
 * which keeps `src/plugins/` free of a runtime import of the registry.
 */
export interface PluginHost {
  emit(event: 'error', payload: RegistryErrorEvent): boolean;
  emit(event: string, ...args: any[]): boolean;
  on(event: string, fn: HostListener, context?: unknown): unknown;
  once(event: string, fn: HostListener, context?: unknown): unknown;
  removeListener(event: string, fn?: HostListener, context?: unknown, once?: boolean): unknown;
  /** Returns a registered app; used to reach the storage database lazily. */
  getApp(name: string): { readonly knex: Knex };
}
