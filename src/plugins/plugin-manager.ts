import type { Registry } from 'prom-client';
import { KnexusError } from '../errors.js';
import { assertOptionsObject } from '../util/assert-options-object.js';
import type { PluginDataSet } from './data/plugin-data-set.js';
import { PluginDataRunner, type PluginDataHandler } from './data/plugin-data-runner.js';
import { createStorageBackend } from './storage/create-storage-backend.js';
import { HookDispatcher } from './hooks/hook-dispatcher.js';
import { hookFailurePolicy } from './hooks/hook-failure-policy.js';
import { HostEmitter } from './host-emitter.js';
import type { HookArgs, HookName, HookResult } from './hooks/hook-map.js';
import { PluginActivator } from './loading/plugin-activator.js';
import { PluginLoader } from './loading/plugin-loader.js';
import type { PluginContext } from './plugin.js';
import { assertPluginHost } from './plugin-host.js';
import { resolvePluginManagerOptions, type ResolvedPluginManagerOptions } from './plugin-manager-options.js';
import { pluginSystemStatus } from './status/plugin-status.js';
import type { PluginSystemStatus } from './status/plugin-system-status.js';
import { PluginTable } from './storage/plugin-table.js';
import { renderPluginMetrics } from './status/render-plugin-metrics.js';
import { ServiceDirectory } from './service-directory.js';
import { shutdownPlugins } from './loading/shutdown-plugins.js';
import type { StorageBackend } from './storage/storage-backend.js';
import type { Plugin, PluginSource } from './plugin.js';
import type { PluginEntry, PluginInitializeResult, PluginManagerOptions, PluginShutdownResult, UnloadOptions } from './plugin-types.js';

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
export class PluginManager {
  readonly #events: HostEmitter;
  readonly #options: ResolvedPluginManagerOptions;
  readonly #dispatcher: HookDispatcher;
  readonly #storage: StorageBackend;
  readonly #services = new ServiceDirectory();
  readonly #table: PluginTable;
  readonly #activator: PluginActivator;
  readonly #loader: PluginLoader;
  #closing = false;
  readonly #data: PluginDataRunner;
  #shutdown: Promise<PluginShutdownResult> | undefined;

  /** Creates a manager for `appRegistry`; the registry builds its own and exposes it as `registry.plugins`. */
  constructor(appRegistry: PluginContext, options: PluginManagerOptions = {}) {
    assertPluginHost(appRegistry);
    assertOptionsObject(options, 'pluginManager', '{ loadTimeout: 30_000, hookTimeout: 5_000 }');
    this.#options = resolvePluginManagerOptions(options);
    this.#events = new HostEmitter(appRegistry);
    this.#dispatcher = new HookDispatcher({
      hookTimeout: this.#options.hookTimeout,
      measure: this.#options.enableMetrics,
      onFailure: hookFailurePolicy({
        maxErrors: this.#options.maxErrors,
        events: this.#events,
        touch: () => this.#table.touch(),
        dispatchFailure: (args) => this.#dispatcher.dispatch('onOperationFailed', args),
        closing: () => this.#closing,
      }),
    });
    this.#table = new PluginTable((records) => this.#dispatcher.rebuild(records));
    this.#data = new PluginDataRunner((event) => this.#events.error(event));
    this.#storage = createStorageBackend(this.#options.storage, appRegistry, this.#options.baseDir);
    this.#activator = new PluginActivator({
      host: appRegistry,
      options: this.#options,
      storage: this.#storage,
      services: this.#services,
      table: this.#table,
      assertOpen: () => this.#assertOpen(),
      reportError: (event) => this.#events.error(event),
      purgeData: (record) => this.#data.purge(record),
    });
    this.#loader = new PluginLoader({
      options: this.#options,
      events: this.#events,
      table: this.#table,
      activator: this.#activator,
      services: this.#services,
      data: this.#data,
      assertOpen: () => this.#assertOpen(),
    });
  }

  /** The options in effect, defaults applied (frozen). */
  get options(): Readonly<Required<Omit<PluginManagerOptions, 'maxErrors' | 'storage'>>> &
    Pick<PluginManagerOptions, 'maxErrors' | 'storage'> {
    return this.#options;
  }

  /**
   * Loads every enabled config entry, at most `concurrency` at once, each within `2 × loadTimeout`;
   * failures are collected (and emitted as `error` events), never thrown.
   */
  loadConfigured(entries: Readonly<Record<string, PluginEntry>> = {}): Promise<PluginInitializeResult> {
    return this.#loader.loadConfigured(entries);
  }

  /** Loads one plugin (a class, an instance or a module specifier) within `loadTimeout` and returns it. */
  load<T extends Plugin = Plugin>(source: PluginSource, config: Readonly<Record<string, unknown>> = {}): Promise<T> {
    return this.#loader.load<T>(source, config);
  }

  /**
   * Unloads a plugin: waits (up to `hookTimeout`) for its running hook calls, calls `shutdown()`
   * within `shutdownTimeout`, removes its hooks, listeners and services, and with `purgeData`
   * deletes its storage. Resolves false when no such plugin is loaded.
   */
  unload(name: string, options: UnloadOptions = {}): Promise<boolean> {
    return this.#loader.unload(name, options);
  }

  /**
   * Hot-reloads a plugin: loads the new version (by default the same module, freshly imported, or
   * the same class) next to the old one, swaps it in, then shuts the old one down. If the new one
   * fails, the old one stays active with its services, and the error is emitted and thrown. If the
   * old one is unloaded meanwhile, the new one is shut down and `KNEXUS_ERR_PLUGIN_NOT_FOUND` thrown.
   */
  reload<T extends Plugin = Plugin>(name: string, source?: PluginSource, config?: Readonly<Record<string, unknown>>): Promise<T> {
    return this.#loader.reload<T>(name, source, config);
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
    return pluginSystemStatus(this.#table.records(), this.#loader.failures, this.#services.list(), this.#closing);
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

  /**
   * Plugin and hook metrics in the Prometheus text format (empty when `enableMetrics` is false), written by
   * prom-client, which is loaded on the first call (importing knexus does not load it).
   */
  async metrics(): Promise<string> {
    if (!this.#options.enableMetrics) return '';
    const client = await import('prom-client');
    const register = new client.Registry();
    this.addMetrics(client, register);
    return register.metrics();
  }

  /** @internal Adds the plugin families to `register`, so the registry writes them and its own in one text. */
  addMetrics(client: typeof import('prom-client'), register: Registry): void {
    if (this.#options.enableMetrics) renderPluginMetrics(client, register, this.#table.records(), this.#loader.failures.length);
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

  #assertOpen(): void {
    if (this.#closing) {
      throw new KnexusError('KNEXUS_ERR_SHUTTING_DOWN', 'The plugin system is shutting down; no plugin can be loaded', { phase: 'load' });
    }
  }

  async #shutdownAll(): Promise<PluginShutdownResult> {
    const started = performance.now();
    this.#closing = true;
    this.abortHooks();
    return shutdownPlugins(started, {
      activator: this.#activator,
      records: () => this.#table.records(),
      shutdownTimeout: this.#options.shutdownTimeout,
      dispatcher: this.#dispatcher,
      storage: this.#storage,
      events: this.#events,
    });
  }
}
