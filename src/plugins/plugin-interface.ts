import type { Awaitable } from './hooks/hook-map.js';
import type { PluginStorage } from './storage/plugin-storage.js';
import type { PluginHookMethods } from './hooks/plugin-hook-methods.js';
import { runtimeOf } from './plugin-runtime.js';
import type { PluginState } from './plugin-state.js';
import type { HookName } from './hooks/hook-map.js';
import type { Plugin, PluginContext } from './plugin.js';

/** What `PluginInterface`'s default `getStatus()` returns. */
export interface DefaultPluginStatus {
  readonly name: string;
  readonly version: string;
  readonly state: PluginState | 'unloaded';
  readonly enabled: boolean;
  readonly initialized: boolean;
  /** Per hook: calls, errors, timeouts, total and mean ms. */
  readonly hooks: Readonly<
    Partial<Record<HookName, { calls: number; errors: number; timeouts: number; totalMs: number; averageMs: number }>>
  >;
}

/**
 * The base class of knexus plugins: give `super()` a name and version, implement `initialize`, and
 * add any lifecycle hooks (typed from `LifecycleHooks`). `shutdown()` and `getStatus()` have working
 * defaults. `dependencies`, `optionalDependencies`, `priority`, `order`, `configSchema`, `migrations`,
 * `seeds` and `knexus` may be declared as instance fields, getters or static fields.
 *
 * @example
 * ```ts
 * export default class AuditPlugin extends PluginInterface<{ table: string }> {
 *   static readonly dependencies = ['storage'];
 *   constructor(config: { table: string }) { super('audit', '1.0.0'); }
 *   async initialize(context: PluginContext, config: { table: string }) {}
 *   override async onAppRegistered(appName: string) { await this.storage.set(appName, Date.now()); }
 * }
 * ```
 */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the interface below only adds optional hook methods (see there)
export abstract class PluginInterface<TConfig = Record<string, unknown>> implements Plugin<TConfig> {
  readonly name: string;
  readonly version: string;
  // `dependencies`, `optionalDependencies`, `priority`, `order`, `configSchema`, `migrations`, `seeds` and
  // `knexus` are deliberately not declared here: a base-class field would shadow a subclass getter (and
  // TypeScript would refuse the getter), and the static form lives on the class anyway.
  /** This plugin's key-value store; set by the manager before `initialize()`. */
  declare storage: PluginStorage;
  /** True while the plugin is active (kept up to date by the manager). */
  enabled = false;
  /** True from a successful `initialize()` until `shutdown()` (kept up to date by the manager). */
  initialized = false;

  /**
   * Names the plugin; the manager registers it under `name`. Without a string name (a subclass with
   * no constructor is handed its config here) the class name is used, and version `0.0.0`.
   */
  constructor(name?: string, version?: string) {
    this.name = typeof name === 'string' ? name : new.target.name;
    this.version = typeof version === 'string' ? version : '0.0.0';
  }

  /** Sets the plugin up; `appRegistry` is the registry scoped to this plugin: a `PluginContext`. */
  abstract initialize(appRegistry: PluginContext, config: TConfig): Awaitable<void>;

  /** Releases everything the plugin holds; bounded by `shutdownTimeout`. The default has nothing to release. */
  shutdown(): Awaitable<void> {
    return Promise.resolve();
  }

  /**
   * Plugin-specific status, included in `pluginManager.getStatus()`; the default reports name, version, state
   * and hook counters (`DefaultPluginStatus`). Typed as an object so an override may return its own shape and
   * may build on the default: `override getStatus() { return { ...super.getStatus(), written: this.#written }; }`.
   */
  getStatus(): DefaultPluginStatus | object {
    const runtime = runtimeOf(this);
    const status: DefaultPluginStatus = {
      name: this.name,
      version: this.version,
      state: runtime?.state ?? 'unloaded',
      enabled: this.enabled,
      initialized: this.initialized,
      hooks: runtime?.hooks ?? {},
    };
    return status;
  }

  /** Optional: throw or return false to refuse `config`. */
  validateConfiguration?(config: TConfig): Awaitable<boolean | void>;
}

// Declaration merging gives the class every hook as an optional method typed from LifecycleHooks.
// biome-ignore lint/correctness/noUnusedVariables: a merged declaration must repeat the class's type parameters
export interface PluginInterface<TConfig> extends PluginHookMethods {}
