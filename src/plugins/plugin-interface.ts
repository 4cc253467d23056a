import type { Awaitable } from './hook-map.js';
import type { AppRegistry } from '../registry/app-registry.js';
import type { PluginStorage } from './plugin-storage.js';
import type { PluginHookMethods } from './plugin-hook-methods.js';
import type { Plugin, PluginDependencies } from './plugin-types.js';

/**
 * The base class of knexus plugins: give `super()` a name and version, implement `initialize`,
 * `shutdown` and `getStatus`, and any lifecycle hooks (typed from `LifecycleHooks`).
 *
 * @example
 * ```ts
 * export default class AuditPlugin extends PluginInterface<{ table: string }> {
 *   static readonly dependencies = {};
 *   constructor(config: { table: string }) { super('audit', '1.0.0'); }
 *   async initialize(registry: AppRegistry, config: { table: string }) {}
 *   async shutdown() {}
 *   getStatus() { return { ok: true }; }
 *   override async onAppRegistered(appName: string) { await this.storage.set(appName, Date.now()); }
 * }
 * ```
 */
export abstract class PluginInterface<TConfig = Record<string, unknown>> implements Plugin<TConfig> {
  readonly name: string;
  readonly version: string;
  /** Plugins that must load first: names, or names mapped to semver ranges. */
  readonly dependencies?: PluginDependencies;
  /** Start order within a hook phase: lower runs first; default 0. */
  readonly priority?: number;
  /** `pre` hooks finish before the others start; `post` hooks start after them. */
  readonly order?: 'pre' | 'post';
  /** This plugin's key-value store; set by the manager before `initialize()`. */
  declare storage: PluginStorage;

  /** Names the plugin; the manager registers it under `name`. */
  constructor(name: string, version: string) {
    this.name = name;
    this.version = version;
  }

  /** Sets the plugin up; the registry passed in is scoped to this plugin. */
  abstract initialize(appRegistry: AppRegistry, config: TConfig): Awaitable<void>;
  /** Releases everything the plugin holds; bounded by `shutdownTimeout`. */
  abstract shutdown(): Awaitable<void>;
  /** Plugin-specific status, included in `pluginManager.getStatus()`. */
  abstract getStatus(): unknown;
  /** Optional: throw or return false to refuse `config`. */
  validateConfiguration?(config: TConfig): Awaitable<boolean | void>;
}

// Declaration merging gives the class every hook as an optional method typed from LifecycleHooks.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface PluginInterface<TConfig> extends PluginHookMethods {}
