import { KnexusError, frozenError, toError } from '../errors.js';
import { assertOptionsObject } from '../util/assert-options-object.js';
import { dictionary } from '../util/dictionary.js';
import type { RegistryErrorEvent } from './registry-events.js';
import { ConfiguredLoader } from './configured-loader.js';
import type { PluginDataSet } from './plugin-data-set.js';
import { PluginDataRunner, type PluginDataHandler } from './plugin-data-runner.js';
import { createStorageBackend } from './create-storage-backend.js';
import { HookDispatcher, type HookFailureReporter } from './hook-dispatcher.js';
import type { HookArgs, HookName, HookResult, LifecycleDispatcher } from './hook-map.js';
import { PluginActivator } from './plugin-activator.js';
import { assertDependenciesLoaded } from './assert-dependencies-loaded.js';
import { declared } from './plugin-declarations.js';
import { normalizeDependencies } from './plugin-dependencies.js';
import type { PluginEvents } from './plugin-events.js';
import type { PluginContext } from './plugin.js';
import { resolvePluginManagerOptions, type ResolvedPluginManagerOptions } from './plugin-manager-options.js';
import type { PluginRecord } from './plugin-record.js';
import { failureStatus, pluginStatus } from './plugin-status.js';
import { type PluginSystemStatus } from './plugin-system-status.js';
import { PluginTable } from './plugin-table.js';
import { loadTimeoutError } from './plugin-errors.js';
import { preparePlugin } from './prepare-plugin.js';
import { reloadPlugin } from './reload-plugin.js';
import { renderPluginMetrics } from './render-plugin-metrics.js';
import { ServiceDirectory } from './service-directory.js';
import type { StorageBackend } from './storage-backend.js';
import type { Plugin, PluginDependencies, PluginSource } from './plugin.js';
import type { PluginEntry, PluginFailure, PluginInitializeResult, PluginManagerOptions, PluginShutdownResult, UnloadOptions } from './plugin-types.js';

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
 * const extra = await registry.plugins.dispatch('onHealthCheck', 'app', report);
 * ```
 */
export class PluginManager implements LifecycleDispatcher {
  readonly #host: PluginContext;
  readonly #options: ResolvedPluginManagerOptions;
  readonly #dispatcher: HookDispatcher;
  readonly #storage: StorageBackend;
  readonly #services = new ServiceDirectory();
  readonly #table: PluginTable;
  readonly #activator: PluginActivator;
  readonly #failures: PluginFailure[] = [];
  /** Config entries turned off with `enabled: false`, so a dependency on one is reported as disabled. */
  readonly #disabledEntries = new Set<string>();
  #closing = false;
  readonly #data: PluginDataRunner;
  #shutdown: Promise<PluginShutdownResult> | undefined;

  /** Creates a manager for `appRegistry`; the registry builds its own and exposes it as `registry.plugins`. */
  constructor(appRegistry: PluginContext, options: PluginManagerOptions = {}) {
    if (appRegistry === null || typeof appRegistry !== 'object' || typeof appRegistry.emit !== 'function') {
      throw new KnexusError(
        'KNEXUS_ERR_INVALID_CONFIG',
        `new PluginManager(appRegistry) needs the AppRegistry (or an event emitter) it serves, got ${appRegistry === null ? 'null' : typeof appRegistry}; ` +
          'use registry.plugins, which the AppRegistry builds itself',
        { field: 'appRegistry' },
      );
    }
    assertOptionsObject(options, 'pluginManager', '{ loadTimeout: 30_000, hookTimeout: 5_000 }');
    this.#host = appRegistry;
    this.#options = resolvePluginManagerOptions(options);
    this.#dispatcher = new HookDispatcher({
      hookTimeout: this.#options.hookTimeout,
      measure: this.#options.enableMetrics,
      onFailure: this.#onHookFailure,
    });
    this.#table = new PluginTable((records) => this.#dispatcher.rebuild(records));
    this.#data = new PluginDataRunner(this.#options.baseDir, (event) => this.#emitError(event));
    this.#storage = createStorageBackend(this.#options.storage, appRegistry, this.#options.baseDir);
    this.#activator = new PluginActivator({
      host: appRegistry,
      options: this.#options,
      storage: this.#storage,
      services: this.#services,
      table: this.#table,
      assertOpen: () => this.#assertOpen(),
      reportError: (event) => this.#emitError(event),
      purgeData: (record) => this.#data.purge(record),
    });
  }

  /** The options in effect, defaults applied. */
  get options(): ResolvedPluginManagerOptions {
    return this.#options;
  }

  /**
   * Loads every enabled config entry, at most `concurrency` at once, each within `2 × loadTimeout`;
   * failures are collected (and emitted as `error` events), never thrown.
   */
  async loadConfigured(entries: Readonly<Record<string, PluginEntry>> = {}): Promise<PluginInitializeResult> {
    for (const [key, entry] of Object.entries(entries)) {
      if (entry?.enabled === false) this.#disabledEntries.add(key);
    }
    const loader = new ConfiguredLoader({
      concurrency: this.#options.concurrency,
      budgetMs: 2 * this.#options.loadTimeout,
      prepare: (key, entry, timeoutMs, timeoutError) =>
        preparePlugin(entry.module, {
          config: entry.config ?? {},
          baseDir: entry.baseDir ?? this.#options.baseDir,
          allowedRoots: this.#options.allowedRoots,
          key,
          timeoutMs,
          timeoutError,
        }),
      activate: async (record, entry, timeoutMs, timeoutError) => {
        await this.#activator.activate(record, timeoutMs, timeoutError, 'add');
        this.#announce(record);
        await this.#data.apply(record);
      },
      active: (name) => this.#table.get(name),
      disabled: (name) => this.#disabledEntries.has(name),
    });
    const outcome = await loader.run(entries);
    for (const failure of outcome.failed) {
      this.#failures.push(failure);
      this.#emitError({ component: 'PluginManager', phase: 'load', pluginName: failure.name, error: failure.error });
    }
    return {
      pluginCount: this.#table.size,
      loadedPlugins: outcome.loaded,
      failedPlugins: outcome.failed.map(({ name, error }) => ({ name, error: error.message, code: error.code, cause: error })),
    };
  }

  /** Loads one plugin (a class, an instance or a module specifier) within `loadTimeout` and returns it. */
  async load<T extends Plugin = Plugin>(source: PluginSource, config: Config = {}): Promise<T> {
    try {
      return await this.#load<T>(source, config);
    } catch (error) {
      const failure = toError(error);
      const pluginName = (failure as { pluginName?: unknown }).pluginName;
      this.#emitError({
        component: 'PluginManager',
        phase: 'load',
        ...(typeof pluginName === 'string' ? { pluginName } : {}),
        error: failure,
      });
      throw error;
    }
  }

  async #load<T extends Plugin>(source: PluginSource, config: Config): Promise<T> {
    this.#assertOpen();
    const timeoutMs = this.#options.loadTimeout;
    const started = performance.now();
    // A class or instance is constructed synchronously, so its timeout error can name the plugin.
    let timeoutError = typeof source === 'string' ? loadTimeoutError({ module: source }, timeoutMs, false) : undefined;
    const record = await preparePlugin(source, {
      config,
      baseDir: this.#options.baseDir,
      allowedRoots: this.#options.allowedRoots,
      timeoutMs,
      timeoutError: timeoutError ?? loadTimeoutError({}, timeoutMs, false),
    });
    timeoutError ??= loadTimeoutError({ pluginName: record.name }, timeoutMs, false);
    this.#checkDependencies(record);
    await this.#activator.activate(record, timeoutMs - (performance.now() - started), timeoutError, 'add');
    this.#announce(record);
    await this.#data.apply(record);
    return record.plugin as T;
  }

  /**
   * Unloads a plugin: waits (up to `hookTimeout`) for its running hook calls, calls `shutdown()`
   * within `shutdownTimeout`, removes its hooks, listeners and services, and with `purgeData`
   * deletes its storage. Resolves false when no such plugin is loaded.
   */
  async unload(name: string, options: UnloadOptions = {}): Promise<boolean> {
    const record = this.#table.get(name);
    if (record === undefined) return false;
    const purgeData = options.purgeData ?? false;
    const error = await this.#activator.retire(record, { drain: true, purgeData });
    const dependents = this.getAll()
      .filter((p) => normalizeDependencies(declared(p, 'dependencies') as PluginDependencies | undefined).some((d) => d.name === name))
      .map((p) => p.name);
    if (dependents.length > 0) {
      this.#emit('warning', {
        code: 'KNEXUS_PLUGIN_DEPENDENTS',
        message: `Plugin '${name}' was unloaded while ${dependents.join(', ')} still depend on it`,
        details: { pluginName: name, dependents },
      });
    }
    this.#emit('plugin-unloaded', { name, version: record.version, purgedData: purgeData, error });
    return true;
  }

  /**
   * Hot-reloads a plugin: loads the new version (by default the same module, freshly imported, or
   * the same class) next to the old one, swaps it in, then shuts the old one down. If the new one
   * fails, the old one stays active with its services, and the error is emitted and thrown. If the
   * old one is unloaded meanwhile, the new one is shut down and `KNEXUS_ERR_PLUGIN_NOT_FOUND` thrown.
   */
  async reload<T extends Plugin = Plugin>(name: string, source?: PluginSource, config?: Config): Promise<T> {
    this.#assertOpen();
    const record = await reloadPlugin(
      {
        table: this.#table,
        activator: this.#activator,
        services: this.#services,
        baseDir: this.#options.baseDir,
        allowedRoots: this.#options.allowedRoots,
        loadTimeout: this.#options.loadTimeout,
        checkDependencies: (next) => this.#checkDependencies(next),
        reportError: (event) => this.#emitError(event),
        announce: (next, previousVersion) =>
          this.#emit('plugin-reloaded', { name, previousVersion, version: next.version, loadTimeMs: next.loadTimeMs }),
      },
      name,
      source,
      config,
    );
    // A new version may bring new migrations or seeds of its own.
    await this.#data.apply(record);
    return record.plugin as T;
  }

  /** The loaded (active or disabled) plugin named `name`. */
  get<T extends Plugin = Plugin>(name: string): T | undefined {
    return this.#table.get(name)?.plugin as T | undefined;
  }

  /** Every loaded plugin, in load order. */
  getAll(): Plugin[] {
    return this.#table.records().map((r) => r.plugin);
  }

  /** True when a plugin named `name` is loaded. */
  has(name: string): boolean {
    return this.#table.get(name) !== undefined;
  }

  /** Counts, per-plugin status, load times, metrics, config failures and services. */
  getStatus(): PluginSystemStatus {
    const records = this.#table.records();
    return {
      counts: {
        total: records.length,
        enabled: records.filter((r) => r.state === 'active').length,
        disabled: records.filter((r) => r.state === 'disabled').length,
        failed: this.#failures.length,
      },
      plugins: dictionary(records.map((r) => [r.name, pluginStatus(r)] as const)),
      failed: failureStatus(this.#failures),
      services: this.#services.list(),
      shuttingDown: this.#closing,
    };
  }

  /**
   * Calls `hook` on every active plugin implementing it, concurrently (by `order` phase, then
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
   * every running hook call's signal and letting loads in progress finish (within `shutdownTimeout`;
   * each shuts its plugin down, and the rest are aborted). Idempotent; a hung or throwing plugin is
   * reported by name.
   */
  shutdown(): Promise<PluginShutdownResult> {
    this.#shutdown ??= this.#shutdownAll();
    return this.#shutdown;
  }

  /**
   * Aborts the signal of every hook call still running, with `reason`, and stops waiting for them:
   * the dispatches waiting on them resolve, and late results are ignored. `shutdown()` does this
   * first; the registry may call it earlier, at the start of its own shutdown.
   */
  abortHooks(reason?: Error): void {
    this.#dispatcher.abortAll(
      reason ?? new KnexusError('KNEXUS_ERR_SHUTTING_DOWN', 'The registry is shutting down; hook calls are aborted', { phase: 'shutdown' }),
    );
  }

  /** Same as `shutdown()`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.shutdown();
  }

  /**
   * Publishes `impl` under `name` for other plugins; withdrawn when `plugin` unloads. Ignored from a
   * plugin being taken out (its load timed out, or it is unloading), so a late `initialize()` cannot
   * publish anything, nor replace the service of the version a timed-out reload left in place.
   */
  exportService(plugin: Plugin | string, name: string, impl: unknown): void {
    const record = this.#table.recordOf(plugin);
    if (record.revoked) return;
    this.#services.export(record, name, impl);
  }

  /** The service another plugin exported as `name`; throws `KNEXUS_ERR_SERVICE_NOT_FOUND` otherwise. */
  importService<T = unknown>(plugin: Plugin | string | undefined, name: string): T {
    const importer = typeof plugin === 'string' ? plugin : plugin?.name;
    return this.#services.import<T>(name, importer);
  }

  /** Plugin and hook metrics in Prometheus text format (empty when `enableMetrics` is false). */
  metrics(): string {
    if (!this.#options.enableMetrics) return '';
    return renderPluginMetrics(this.#table.records(), this.#failures.length);
  }

  /** @internal The registry applies and purges plugins' own migrations and seeds through this. */
  setDataHandler(handler: PluginDataHandler): void {
    this.#data.handler = handler;
  }

  /** The own migrations and seeds (`migrations`/`seeds` declarations) of every active plugin declaring them. */
  dataSets(): PluginDataSet[] {
    return this.#table.records().flatMap((r) => {
      const set = r.state === 'active' ? this.#data.setOf(r) : undefined;
      return set === undefined ? [] : [set];
    });
  }

  #checkDependencies(record: PluginRecord): void {
    assertDependenciesLoaded(record, (name) => this.#table.get(name), (name) => this.#disabledEntries.has(name));
  }

  #announce(record: PluginRecord): void {
    this.#emit('plugin-loaded', { name: record.name, version: record.version, loadTimeMs: record.loadTimeMs, module: record.origin.module });
  }

  #assertOpen(): void {
    if (this.#closing) {
      throw new KnexusError('KNEXUS_ERR_SHUTTING_DOWN', 'The plugin system is shutting down; no plugin can be loaded', { phase: 'load' });
    }
  }

  async #shutdownAll(): Promise<PluginShutdownResult> {
    const started = performance.now();
    this.#closing = true;
    this.abortHooks();
    await this.#activator.settle(this.#options.shutdownTimeout);
    const stopped: string[] = [];
    const errors: PluginFailure[] = [];
    for (const record of this.#table.records().reverse()) {
      const error = await this.#activator.retire(record, { drain: false, purgeData: false });
      if (error === undefined) stopped.push(record.name);
      else errors.push({ name: record.name, error });
    }
    this.#dispatcher.close();
    try {
      await this.#storage.close();
    } catch (error) {
      const closeError = new KnexusError('KNEXUS_ERR_PLUGIN_SHUTDOWN', 'Could not close the plugin storage database', { phase: 'shutdown' }, error);
      this.#emitError({ component: 'PluginManager', phase: 'shutdown', error: closeError });
    }
    return { stopped, errors, durationMs: performance.now() - started };
  }

  /** Reports a failed hook call, applies the error threshold, and tells plugins (`onOperationFailed`). */
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
        this.#table.touch();
        this.#emit('plugin-disabled', { name: record.name, errors: count, windowMs: limit.windowMs, lastError: record.lastError });
      }
    }
    if (hook === 'onOperationFailed' || appName === undefined || this.#closing) return undefined;
    return this.#dispatcher.dispatch('onOperationFailed', [appName, 'plugin-hook', frozenError(error), Object.freeze({ hook, pluginName: record.name })]);
  };

  #emit<E extends keyof PluginEvents | 'warning'>(event: E, ...args: E extends keyof PluginEvents ? PluginEvents[E] : unknown[]): void {
    try {
      (this.#host.emit as (event: string, ...args: unknown[]) => boolean)(event, ...args);
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
