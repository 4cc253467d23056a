import type { EventEmitter } from 'eventemitter3';
import type { AppConfig } from '../connection/app-config.js';
import type { AppHandle } from '../connection/app-handle.js';
import type { RegistryHealth } from '../health/health-report.js';
import type { RepairResult } from '../migrations/dirty-state.js';
import type { RepairOptions } from '../migrations/repair-options.js';
import type { UnregisterOptions } from './lifecycle-types.js';
import type { RegistryEvents } from './registry-events.js';
import type { RegistryStatus } from './status/registry-status.js';
import type { Awaitable, HookName, LifecycleHooks } from './hooks/hook-map.js';
import type { PluginFolderDeclaration } from './loading/plugin-folder-declaration.js';
import type { PluginStorage } from './storage/plugin-storage.js';
import type { PluginHookTimeouts } from './hooks/plugin-hook-timeouts.js';

/** Dependencies: plugin names, or names mapped to semver ranges (`{ 'audit': '^1.2.0' }`). */
export type PluginDependencies = Readonly<Record<string, string>> | readonly string[];

/** Every lifecycle hook, each optional. */
export type PluginHooks = { [K in HookName]?: LifecycleHooks[K] };

/** A loaded plugin: a `PluginInterface` subclass instance or a plain object of the same shape. */
export interface Plugin<TConfig = any> extends PluginHooks {
  readonly name: string;
  readonly version: string;
  /** Plugins that must be loaded first, optionally with a semver range. */
  readonly dependencies?: PluginDependencies;
  /** Plugins loaded first when present (ignored when absent), optionally with a semver range. */
  readonly optionalDependencies?: PluginDependencies | undefined;
  /** The knexus versions the plugin supports, a semver range checked at load (`KNEXUS_ERR_PLUGIN_INCOMPATIBLE`). */
  readonly knexus?: string | undefined;
  /** The plugin's own migrations, run in each app's database under `plugin:<name>`. */
  readonly migrations?: PluginFolderDeclaration | undefined;
  /** The plugin's own tracked seeds, likewise. */
  readonly seeds?: PluginFolderDeclaration | undefined;
  /** Start order within a phase: lower runs first; default 0. */
  readonly priority?: number;
  /** `pre` plugins' hooks complete before the others start; `post` plugins' start after. Default normal. */
  readonly order?: 'pre' | 'post';
  /** Its own per-call timeouts in ms for some hooks, instead of the manager's `hookTimeout` (0: none). */
  readonly hookTimeouts?: PluginHookTimeouts | undefined;
  /** A JSON Schema for the config: knexus validates it (Ajv) and fills its defaults before `validateConfiguration`/`initialize`. */
  readonly configSchema?: Readonly<Record<string, unknown>> | undefined;
  /** The plugin's namespaced key-value store, set by the manager before `initialize()`. */
  storage?: PluginStorage;
  /** Sets the plugin up; `appRegistry` is the registry scoped to this plugin (a `PluginContext`). */
  initialize(appRegistry: PluginContext, config: TConfig): Awaitable<void>;
  shutdown(): Awaitable<void>;
  getStatus(): unknown;
  validateConfiguration?(config: TConfig): Awaitable<boolean | void>;
}

/** A plugin class: constructed with the plugin's config. */
export type PluginClass<TConfig = any> = new (config: TConfig) => Plugin<TConfig>;

/** What `load()` accepts: a class, an instance, or a module (package name or path). */
export type PluginSource = PluginClass | Plugin | string;

/** The registry events a plugin may listen to and emit (typed from `RegistryEvents`; custom names allowed). */
export type PluginEventMethods = Pick<
  EventEmitter<RegistryEvents>,
  'on' | 'once' | 'off' | 'addListener' | 'removeListener' | 'removeAllListeners' | 'emit' | 'listenerCount' | 'listeners'
>;

/**
 * What a plugin may use: the registry scoped to it, handed to `initialize(appRegistry, config)`. Listeners
 * it adds are removed when it is unloaded, and `removeAllListeners` only removes its own. `AppRegistry`
 * satisfies this interface, so a plugin typed against `AppRegistry` runs unchanged.
 *
 * @example
 * async initialize(context: PluginContext) {
 *   context.on('app-registered', ({ appName }) => console.log(appName, context.getApp(appName).target));
 *   context.exportService(this, 'clock', { now: () => Date.now() });
 * }
 */
export interface PluginContext extends PluginEventMethods {
  /** Folder a plugin's relative paths (backups, audit logs) resolve against: the plugin manager's `baseDir` (default the registry's). */
  readonly baseDir: string;
  /** The ready app called `name`; throws KNEXUS_ERR_APP_NOT_FOUND otherwise. */
  getApp(name: string): AppHandle;
  /** True when an app called `name` is registered and ready. */
  hasApp(name: string): boolean;
  /** Every ready app, in registration order. */
  getAllApps(): AppHandle[];
  /** Registers an app, as `AppRegistry.registerApp`. */
  registerApp(name: string, config: AppConfig): Promise<AppHandle>;
  /** Unregisters an app, as `AppRegistry.unregisterApp`. */
  unregisterApp(name: string, options?: UnregisterOptions): Promise<boolean>;
  /** Settles a dirty migration or seed file, as `AppRegistry.repair` (emits `ledger-repaired`). */
  repair(name: string, options: RepairOptions): Promise<RepairResult>;
  /** A secret-free snapshot of the registry: apps, plugins (and their services), last health. */
  getStatus(): RegistryStatus;
  /** Runs one health cycle now. */
  healthCheck(): Promise<RegistryHealth>;
  /** Prometheus text: plugin metrics plus registry gauges. */
  metrics(): Promise<string>;
  /** The plugin called `name`, if loaded. */
  getPlugin(name: string): Plugin | undefined;
  /** Every loaded plugin. */
  getAllPlugins(): Plugin[];
  /** Publishes a service other plugins can import. */
  exportService(plugin: Plugin | string, name: string, impl: unknown): void;
  /** Looks up a service another plugin exported; throws KNEXUS_ERR_SERVICE_NOT_FOUND when there is none. */
  importService<T = unknown>(plugin: Plugin | string, name: string): T;
}
