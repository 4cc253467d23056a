import pTimeout from 'p-timeout';
import { KnexusError, errorMessage } from '../errors.js';
import type { AppRegistry } from '../registry/app-registry.js';
import type { RegistryErrorEvent } from '../registry/registry-types.js';
import { ConfiguredLoader } from './configured-loader.js';
import { createStorageBackend } from './create-storage-backend.js';
import { HookDispatcher, type HookFailureReporter } from './hook-dispatcher.js';
import type { HookArgs, HookName, HookResult, LifecycleDispatcher } from './hook-map.js';
import { NamespacedStorage } from './namespaced-storage.js';
import {
  configInvalidError,
  initFailedError,
  invalidPluginError,
  loadTimeoutError,
  pluginExistsError,
  pluginNotFoundError,
  shutdownFailedError,
  withSource,
} from './plugin-errors.js';
import { checkDependencyVersion, cycleError, missingDependencyError, normalizeDependencies } from './plugin-dependencies.js';
import type { PluginEvents } from './plugin-events.js';
import type { PluginHost } from './plugin-host.js';
import type { PluginRecord } from './plugin-record.js';
import { failureStatus, pluginStatus, type PluginSystemStatus } from './plugin-status.js';
import { preparePlugin } from './prepare-plugin.js';
import { renderPluginMetrics } from './render-plugin-metrics.js';
import { createScopedRegistry, removeTrackedListeners } from './scoped-registry.js';
import { ServiceDirectory } from './service-directory.js';
import type { StorageBackend } from './storage-backend.js';
import type {
  Plugin,
  PluginEntry,
  PluginFailure,
  PluginInitializeResult,
  PluginManagerOptions,
  PluginShutdownResult,
  PluginSource,
  UnloadOptions,
} from './plugin-types.js';

/** `PluginManagerOptions` with every default applied. */
export type ResolvedPluginManagerOptions = Readonly<
  Required<Omit<PluginManagerOptions, 'maxErrors' | 'storage'>> & Pick<PluginManagerOptions, 'maxErrors' | 'storage'>
>;

/** Defaults of `PluginManagerOptions`. */
export const PLUGIN_MANAGER_DEFAULTS = Object.freeze({
  loadTimeout: 30_000,
  shutdownTimeout: 15_000,
  hookTimeout: 5_000,
  concurrency: 3,
  enableMetrics: true,
});

type Config = Readonly<Record<string, unknown>>;

/**
 * Loads, drives and shuts down the registry's plugins: config-driven loading through a sliding
 * window in dependency order, isolated hook dispatch with per-call timeouts, hot reload with
 * rollback, per-plugin storage, services, metrics, and bounded reverse-order shutdown.
 *
 * @example
 * ```ts
 * const registry = new AppRegistry({ plugins: { audit: { module: './plugins/audit.js' } } });
 * const { loadedPlugins, failedPlugins } = await registry.initialize();
 * await registry.plugins.dispatch('onHealthCheck', 'app', report);
 * ```
 */
export class PluginManager implements LifecycleDispatcher {
  readonly #host: PluginHost;
  readonly #options: ResolvedPluginManagerOptions;
  readonly #dispatcher: HookDispatcher;
  readonly #storage: StorageBackend;
  readonly #services = new ServiceDirectory();
  readonly #plugins = new Map<string, PluginRecord>();
  readonly #loading = new Map<string, PluginRecord>();
  readonly #byInstance = new WeakMap<object, PluginRecord>();
  readonly #failures: PluginFailure[] = [];
  #sequence = 0;
  #closing = false;
  #shutdown: Promise<PluginShutdownResult> | undefined;

  /** Creates a manager for `appRegistry`; the registry builds its own and exposes it as `registry.plugins`. */
  constructor(appRegistry: PluginHost, options: PluginManagerOptions = {}) {
    this.#host = appRegistry;
    const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
    this.#options = Object.freeze({ ...PLUGIN_MANAGER_DEFAULTS, baseDir: process.cwd(), ...defined }) as ResolvedPluginManagerOptions;
    this.#dispatcher = new HookDispatcher({
      hookTimeout: this.#options.hookTimeout,
      measure: this.#options.enableMetrics,
      onFailure: this.#onHookFailure,
    });
    this.#storage = createStorageBackend(this.#options.storage, appRegistry);
  }

  /** The options in effect, defaults applied. */
  get options(): ResolvedPluginManagerOptions {
    return this.#options;
  }

  /**
   * Loads every enabled config entry, at most `concurrency` at once, each within `2 × loadTimeout`;
   * failures are collected, never thrown.
   */
  async loadConfigured(entries: Readonly<Record<string, PluginEntry>> = {}): Promise<PluginInitializeResult> {
    const loader = new ConfiguredLoader({
      concurrency: this.#options.concurrency,
      budgetMs: 2 * this.#options.loadTimeout,
      prepare: (key, entry, timeoutMs, timeoutError) =>
        preparePlugin(entry.module, {
          config: entry.config ?? {},
          baseDir: entry.baseDir ?? this.#options.baseDir,
          key,
          timeoutMs,
          timeoutError,
        }),
      activate: (record, entry, timeoutMs, timeoutError) =>
        this.#activate(record, entry.config ?? {}, timeoutMs, timeoutError, 'add'),
      active: (name) => this.#plugins.get(name),
    });
    const outcome = await loader.run(entries);
    for (const failure of outcome.failed) {
      this.#failures.push(failure);
      this.#emitError({ component: 'PluginManager', phase: 'load', pluginName: failure.name, error: failure.error });
    }
    return { pluginCount: this.#plugins.size, loadedPlugins: outcome.loaded, failedPlugins: outcome.failed };
  }

  /** Loads one plugin (a class, an instance or a module specifier) within `loadTimeout` and returns it. */
  async load<T extends Plugin = Plugin>(source: PluginSource, config: Config = {}): Promise<T> {
    this.#assertOpen();
    const timeoutMs = this.#options.loadTimeout;
    const started = performance.now();
    // A class or instance is constructed synchronously, so the timeout error can name the plugin.
    let timeoutError = typeof source === 'string' ? loadTimeoutError({ module: source }, timeoutMs, false) : undefined;
    const record = await preparePlugin(source, {
      config,
      baseDir: this.#options.baseDir,
      timeoutMs,
      timeoutError: timeoutError ?? loadTimeoutError({}, timeoutMs, false),
    });
    timeoutError ??= loadTimeoutError({ pluginName: record.name }, timeoutMs, false);
    this.#checkDependencies(record);
    await this.#activate(record, config, timeoutMs - (performance.now() - started), timeoutError, 'add');
    return record.plugin as T;
  }

  /**
   * Unloads a plugin: waits (up to `hookTimeout`) for its running hook calls, calls `shutdown()`
   * within `shutdownTimeout`, removes its hooks, listeners and services, and with `purgeData`
   * deletes its storage. Resolves false when no such plugin is loaded.
   */
  async unload(name: string, options: UnloadOptions = {}): Promise<boolean> {
    const record = this.#plugins.get(name);
    if (record === undefined) return false;
    const error = await this.#retire(record, { drain: true, purgeData: options.purgeData ?? false });
    const dependents = this.getAll().filter((p) => dependsOn(p, name)).map((p) => p.name);
    if (dependents.length > 0) {
      this.#host.emit('warning', {
        code: 'KNEXUS_PLUGIN_DEPENDENTS',
        message: `Plugin '${name}' was unloaded while ${dependents.join(', ')} still depend on it`,
        details: { pluginName: name, dependents },
      });
    }
    this.#emit('plugin-unloaded', { name, version: record.version, purgedData: options.purgeData ?? false, error });
    return true;
  }

  /**
   * Hot-reloads a plugin: loads the new version (by default the same module, freshly imported, or
   * the same class), swaps it in, then shuts the old one down. If the new one fails, the old one
   * stays active and the error is thrown and emitted.
   */
  async reload<T extends Plugin = Plugin>(name: string, source?: PluginSource, config?: Config): Promise<T> {
    this.#assertOpen();
    const old = this.#plugins.get(name);
    if (old === undefined) throw pluginNotFoundError(name);
    const nextSource = source ?? old.origin.module ?? old.origin.pluginClass;
    if (nextSource === undefined) {
      throw invalidPluginError({ pluginName: name }, `Plugin '${name}' was loaded as an object; pass its new version to reload it`);
    }
    const nextConfig = config ?? old.origin.config;
    const timeoutMs = this.#options.loadTimeout;
    const timeoutError = loadTimeoutError({ pluginName: name }, timeoutMs, false);
    const started = performance.now();
    try {
      const record = await preparePlugin(nextSource, {
        config: nextConfig,
        baseDir: old.origin.baseDir ?? this.#options.baseDir,
        key: old.origin.key,
        fresh: true,
        timeoutMs,
        timeoutError,
      });
      if (record.name !== name) {
        throw invalidPluginError(record.origin, `Reloading '${name}' loaded a plugin named '${record.name}'`);
      }
      this.#checkDependencies(record);
      await this.#activate(record, nextConfig, timeoutMs - (performance.now() - started), timeoutError, 'stage');
      record.sequence = old.sequence;
      record.state = 'active';
      this.#plugins.set(name, record);
      this.#dispatcher.rebuild(this.#plugins.values());
      this.#emit('plugin-reloaded', { name, previousVersion: old.version, version: record.version, loadTimeMs: record.loadTimeMs });
      await this.#retire(old, { drain: true, purgeData: false });
      return record.plugin as T;
    } catch (error) {
      this.#services.restore(old);
      const reported = error instanceof KnexusError ? error : initFailedError({ pluginName: name }, error);
      this.#emitError({ component: 'PluginManager', phase: 'reload', pluginName: name, error: reported });
      throw reported;
    }
  }

  /** The active (or disabled) plugin named `name`. */
  get<T extends Plugin = Plugin>(name: string): T | undefined {
    return this.#plugins.get(name)?.plugin as T | undefined;
  }

  /** Every loaded plugin, in load order. */
  getAll(): Plugin[] {
    return this.#records().map((r) => r.plugin);
  }

  /** True when a plugin named `name` is loaded. */
  has(name: string): boolean {
    return this.#plugins.has(name);
  }

  /** Counts, per-plugin status, load times, metrics, config failures and services. */
  getStatus(): PluginSystemStatus {
    const records = this.#records();
    return {
      counts: {
        total: records.length,
        enabled: records.filter((r) => r.state === 'active').length,
        disabled: records.filter((r) => r.state === 'disabled').length,
        failed: this.#failures.length,
      },
      plugins: Object.fromEntries(records.map((r) => [r.name, pluginStatus(r)])),
      failed: failureStatus(this.#failures),
      services: this.#services.list(),
      shuttingDown: this.#closing,
    };
  }

  /**
   * Calls `hook` on every active plugin implementing it, concurrently (by `order` phase and
   * `priority`); resolves with each plugin's non-undefined result. Never rejects.
   */
  dispatch<K extends HookName>(hook: K, ...args: HookArgs<K>): Promise<ReadonlyMap<string, HookResult<K>>> {
    return this.#dispatcher.dispatch(hook, args) as Promise<ReadonlyMap<string, HookResult<K>>>;
  }

  /** True when at least one active plugin implements `hook`. */
  handles(hook: HookName): boolean {
    return this.#dispatcher.handles(hook);
  }

  /**
   * Shuts every plugin down in reverse load order, each within `shutdownTimeout`, after aborting
   * every running hook call's signal. Idempotent; a hung or throwing plugin is reported by name.
   */
  shutdown(): Promise<PluginShutdownResult> {
    this.#shutdown ??= this.#shutdownAll();
    return this.#shutdown;
  }

  /** Same as `shutdown()`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.shutdown();
  }

  /** Publishes `impl` under `name` for other plugins; withdrawn when `plugin` unloads. */
  exportService(plugin: Plugin | string, name: string, impl: unknown): void {
    this.#services.export(this.#recordOf(plugin), name, impl);
  }

  /** The service another plugin exported as `name`; throws `KNEXUS_ERR_SERVICE_NOT_FOUND` otherwise. */
  importService<T = unknown>(plugin: Plugin | string | undefined, name: string): T {
    const importer = typeof plugin === 'string' ? plugin : plugin?.name;
    return this.#services.import<T>(name, importer);
  }

  /** Plugin and hook metrics in Prometheus text format (empty when `enableMetrics` is false). */
  metrics(): string {
    if (!this.#options.enableMetrics) return '';
    return renderPluginMetrics(this.#records(), this.#failures.length);
  }

  #records(): PluginRecord[] {
    return [...this.#plugins.values()].sort((a, b) => a.sequence - b.sequence);
  }

  #recordOf(plugin: Plugin | string): PluginRecord {
    const record =
      typeof plugin === 'string'
        ? this.#plugins.get(plugin) ?? this.#loading.get(plugin)
        : this.#byInstance.get(plugin as object);
    if (record === undefined) throw pluginNotFoundError(typeof plugin === 'string' ? plugin : String(plugin?.name));
    return record;
  }

  /** A manually loaded plugin's dependencies must already be active at a satisfying version. */
  #checkDependencies(record: PluginRecord): void {
    for (const dep of normalizeDependencies(record.plugin.dependencies)) {
      if (dep.name === record.name) throw cycleError(record.name, [record.name, record.name]);
      const provider = this.#plugins.get(dep.name);
      if (provider === undefined) throw withSource(missingDependencyError(record.name, dep), record.origin);
      checkDependencyVersion(record.name, dep, provider.version);
    }
  }

  #assertOpen(): void {
    if (this.#closing) {
      throw new KnexusError('KNEXUS_ERR_SHUTTING_DOWN', 'The plugin system is shutting down; no plugin can be loaded', {
        phase: 'load',
      });
    }
  }

  /**
   * Validates the config and initializes `record` within `timeoutMs`. `add` registers it; `stage`
   * (reload) leaves registration to the caller. A plugin that times out is never activated: if its
   * `initialize()` completes later, it is shut down instead.
   */
  async #activate(record: PluginRecord, config: Config, timeoutMs: number, timeoutError: KnexusError, mode: 'add' | 'stage'): Promise<void> {
    this.#assertOpen();
    const { name, plugin } = record;
    const source = { pluginName: name, module: record.origin.module, resolvedPath: record.origin.resolvedPath };
    if (this.#loading.has(name) || (mode === 'add' && this.#plugins.has(name)) || this.#byInstance.has(plugin)) {
      throw pluginExistsError(source);
    }
    this.#loading.set(name, record);
    this.#byInstance.set(plugin, record);
    const started = performance.now();
    try {
      plugin.storage = new NamespacedStorage(this.#storage, name);
    } catch {
      // A frozen plain-object plugin simply has no `storage`.
    }
    const scoped = createScopedRegistry(this.#host, record);
    const work = (async () => {
      if (typeof plugin.validateConfiguration === 'function') {
        let valid: boolean | void;
        try {
          valid = await plugin.validateConfiguration(config);
        } catch (error) {
          throw configInvalidError(source, error);
        }
        if (valid === false) throw configInvalidError(source);
      }
      try {
        await plugin.initialize(scoped as unknown as AppRegistry, config);
      } catch (error) {
        throw initFailedError(source, error);
      }
    })();
    try {
      await pTimeout(work, { milliseconds: Math.max(1, timeoutMs), message: timeoutError });
    } catch (error) {
      this.#loading.delete(name);
      if (error === timeoutError) {
        record.state = 'stopping';
        work.then(
          () => void this.#retire(record, { drain: false, purgeData: false }),
          () => this.#discard(record),
        );
      } else {
        this.#discard(record);
      }
      throw error;
    }
    this.#loading.delete(name);
    if (this.#closing) {
      await this.#retire(record, { drain: false, purgeData: false });
      this.#assertOpen();
    }
    record.loadTimeMs = performance.now() - started;
    record.loadedAt = new Date();
    if (mode === 'stage') return;
    record.state = 'active';
    record.sequence = ++this.#sequence;
    this.#plugins.set(name, record);
    this.#dispatcher.rebuild(this.#plugins.values());
    this.#emit('plugin-loaded', { name, version: record.version, loadTimeMs: record.loadTimeMs, module: record.origin.module });
  }

  /** Forgets a plugin that never became active (its initialize failed). */
  #discard(record: PluginRecord): void {
    record.state = 'stopped';
    removeTrackedListeners(this.#host, record);
    this.#services.withdraw(record);
    this.#byInstance.delete(record.plugin);
  }

  /** Takes a plugin out of service and shuts it down; resolves with the shutdown error, if any. */
  async #retire(record: PluginRecord, options: { drain: boolean; purgeData: boolean }): Promise<KnexusError | undefined> {
    record.state = 'stopping';
    if (this.#plugins.get(record.name) === record) {
      this.#plugins.delete(record.name);
      this.#dispatcher.rebuild(this.#plugins.values());
    }
    const { hookTimeout, shutdownTimeout } = this.#options;
    if (options.drain && record.inflight > 0) {
      const bound = hookTimeout > 0 ? Math.min(hookTimeout, shutdownTimeout) : shutdownTimeout;
      await pTimeout(record.drain(), { milliseconds: bound, message: false });
    }
    let failure: KnexusError | undefined;
    const timeoutError = shutdownFailedError(record.name, undefined, shutdownTimeout);
    try {
      await pTimeout(Promise.resolve().then(() => record.plugin.shutdown()), { milliseconds: shutdownTimeout, message: timeoutError });
    } catch (error) {
      failure = error === timeoutError ? timeoutError : shutdownFailedError(record.name, error);
      this.#emitError({ component: 'PluginManager', phase: 'shutdown', pluginName: record.name, error: failure });
    }
    removeTrackedListeners(this.#host, record);
    this.#services.withdraw(record);
    this.#byInstance.delete(record.plugin);
    if (options.purgeData) {
      try {
        await this.#storage.clear(record.name);
      } catch (error) {
        this.#emitError({ component: 'PluginManager', phase: 'purge', pluginName: record.name, error: toKnexus(error, record.name) });
      }
    }
    record.state = 'stopped';
    return failure;
  }

  async #shutdownAll(): Promise<PluginShutdownResult> {
    const started = performance.now();
    this.#closing = true;
    this.#dispatcher.abortAll(
      new KnexusError('KNEXUS_ERR_SHUTTING_DOWN', 'The registry is shutting down; hook calls are aborted', { phase: 'shutdown' }),
    );
    const stopped: string[] = [];
    const errors: PluginFailure[] = [];
    for (const record of this.#records().reverse()) {
      const error = await this.#retire(record, { drain: false, purgeData: false });
      if (error === undefined) stopped.push(record.name);
      else errors.push({ name: record.name, error });
    }
    this.#dispatcher.close();
    try {
      await this.#storage.close();
    } catch (error) {
      this.#emitError({ component: 'PluginManager', phase: 'shutdown', error: toKnexus(error, undefined) });
    }
    return { stopped, errors, durationMs: performance.now() - started };
  }

  readonly #onHookFailure: HookFailureReporter = (record, hook, appName, error) => {
    this.#emitError({
      component: 'PluginManager',
      phase: 'hook',
      hook,
      pluginName: record.name,
      error,
      ...(appName === undefined ? {} : { appName }),
    });
    const limit = this.#options.maxErrors;
    if (limit !== undefined && record.state === 'active') {
      const count = record.recordFailure(performance.now(), limit.windowMs);
      if (count >= limit.count) {
        record.state = 'disabled';
        this.#dispatcher.rebuild(this.#plugins.values());
        this.#emit('plugin-disabled', { name: record.name, errors: count, windowMs: limit.windowMs, lastError: record.lastError });
      }
    }
    if (hook === 'onOperationFailed' || appName === undefined || this.#closing) return undefined;
    return this.#dispatcher.dispatch('onOperationFailed', [appName, 'plugin-hook', error, { hook, pluginName: record.name }]);
  };

  #emit<E extends keyof PluginEvents>(event: E, ...args: PluginEvents[E]): void {
    try {
      this.#host.emit(event, ...args);
    } catch {
      // A throwing listener must not break the plugin system.
    }
  }

  #emitError(event: RegistryErrorEvent): void {
    try {
      this.#host.emit('error', event);
    } catch {
      // Same as #emit.
    }
  }
}

function dependsOn(plugin: Plugin, name: string): boolean {
  const deps = plugin.dependencies;
  if (deps === undefined) return false;
  return Array.isArray(deps) ? deps.includes(name) : Object.hasOwn(deps, name);
}

function toKnexus(error: unknown, pluginName: string | undefined): KnexusError {
  if (error instanceof KnexusError) return error;
  return new KnexusError('KNEXUS_ERR_PLUGIN_SHUTDOWN', errorMessage(error), pluginName === undefined ? {} : { pluginName }, error);
}
