import { toError } from '../../errors.js';
import { assertDependenciesLoaded } from './assert-dependencies-loaded.js';
import { ConfiguredLoader } from './configured-loader.js';
import type { HostEmitter } from '../host-emitter.js';
import type { PluginActivator } from './plugin-activator.js';
import type { PluginDataRunner } from '../data/plugin-data-runner.js';
import { loadTimeoutError } from '../plugin-errors.js';
import type { ResolvedPluginManagerOptions } from '../plugin-manager-options.js';
import type { PluginRecord } from '../plugin-record.js';
import type { PluginTable } from '../storage/plugin-table.js';
import type { PluginEntry, PluginFailure, PluginInitializeResult, UnloadOptions } from '../plugin-types.js';
import { declared } from './plugin-declarations.js';
import { normalizeDependencies } from './plugin-dependencies.js';
import type { Plugin, PluginDependencies, PluginSource } from '../plugin.js';
import { preparePlugin } from './prepare-plugin.js';
import { reloadPlugin } from './reload-plugin.js';
import type { ServiceDirectory } from '../service-directory.js';

type Config = Readonly<Record<string, unknown>>;

/** What the loader works with; the PluginManager owns all of it. */
export interface PluginLoaderDeps {
  readonly options: ResolvedPluginManagerOptions;
  readonly events: HostEmitter;
  readonly table: PluginTable;
  readonly activator: PluginActivator;
  readonly services: ServiceDirectory;
  readonly data: PluginDataRunner;
  /** Throws KNEXUS_ERR_SHUTTING_DOWN once the plugin system shuts down. */
  readonly assertOpen: () => void;
}

/**
 * Brings plugins in and takes them out: config entries through a sliding window in dependency order, single loads and hot
 * reloads, each checked (dependencies, knexus range, config), activated within its timeout, announced
 * (`plugin-loaded`/`plugin-reloaded`) and given its own migrations and seeds. Failures are emitted as `error` events.
 */
export class PluginLoader {
  /** Config entries that failed to load, for status and metrics. */
  readonly failures: PluginFailure[] = [];
  /** Config entries turned off with `enabled: false`, so a dependency on one is reported as disabled. */
  readonly #disabledEntries = new Set<string>();
  readonly #deps: PluginLoaderDeps;

  constructor(deps: PluginLoaderDeps) {
    this.#deps = deps;
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
      concurrency: this.#deps.options.concurrency,
      budgetMs: 2 * this.#deps.options.loadTimeout,
      prepare: (key, entry, timeoutMs, timeoutError) =>
        preparePlugin(entry.module, {
          config: entry.config ?? {},
          baseDir: entry.baseDir ?? this.#deps.options.baseDir,
          allowedRoots: this.#deps.options.allowedRoots,
          key,
          timeoutMs,
          timeoutError,
        }),
      activate: async (record, entry, timeoutMs, timeoutError) => {
        await this.#deps.activator.activate(record, timeoutMs, timeoutError, 'add');
        this.#announce(record);
        await this.#deps.data.apply(record);
      },
      active: (name) => this.#deps.table.get(name),
      disabled: (name) => this.#disabledEntries.has(name),
    });
    const outcome = await loader.run(entries);
    for (const failure of outcome.failed) {
      this.failures.push(failure);
      this.#deps.events.error({ component: 'PluginManager', phase: 'load', pluginName: failure.name, error: failure.error });
    }
    return {
      pluginCount: this.#deps.table.size,
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
      this.#deps.events.error({
        component: 'PluginManager',
        phase: 'load',
        ...(typeof pluginName === 'string' ? { pluginName } : {}),
        error: failure,
      });
      throw error;
    }
  }

  async #load<T extends Plugin>(source: PluginSource, config: Config): Promise<T> {
    this.#deps.assertOpen();
    const timeoutMs = this.#deps.options.loadTimeout;
    const started = performance.now();
    // A class or instance is constructed synchronously, so its timeout error can name the plugin.
    let timeoutError = typeof source === 'string' ? loadTimeoutError({ module: source }, timeoutMs, false) : undefined;
    const record = await preparePlugin(source, {
      config,
      baseDir: this.#deps.options.baseDir,
      allowedRoots: this.#deps.options.allowedRoots,
      timeoutMs,
      timeoutError: timeoutError ?? loadTimeoutError({}, timeoutMs, false),
    });
    timeoutError ??= loadTimeoutError({ pluginName: record.name }, timeoutMs, false);
    this.#checkDependencies(record);
    await this.#deps.activator.activate(record, timeoutMs - (performance.now() - started), timeoutError, 'add');
    this.#announce(record);
    await this.#deps.data.apply(record);
    return record.plugin as T;
  }

  /**
   * Hot-reloads a plugin: loads the new version (by default the same module, freshly imported, or
   * the same class) next to the old one, swaps it in, then shuts the old one down. If the new one
   * fails, the old one stays active with its services, and the error is emitted and thrown. If the
   * old one is unloaded meanwhile, the new one is shut down and `KNEXUS_ERR_PLUGIN_NOT_FOUND` thrown.
   */
  async reload<T extends Plugin = Plugin>(name: string, source?: PluginSource, config?: Config): Promise<T> {
    this.#deps.assertOpen();
    const record = await reloadPlugin(
      {
        table: this.#deps.table,
        activator: this.#deps.activator,
        services: this.#deps.services,
        baseDir: this.#deps.options.baseDir,
        allowedRoots: this.#deps.options.allowedRoots,
        loadTimeout: this.#deps.options.loadTimeout,
        checkDependencies: (next) => this.#checkDependencies(next),
        reportError: (event) => this.#deps.events.error(event),
        announce: (next, previousVersion) =>
          this.#deps.events.emit('plugin-reloaded', { name, previousVersion, version: next.version, loadTimeMs: next.loadTimeMs }),
      },
      name,
      source,
      config,
    );
    // A new version may bring new migrations or seeds of its own.
    await this.#deps.data.apply(record);
    return record.plugin as T;
  }

  #checkDependencies(record: PluginRecord): void {
    assertDependenciesLoaded(
      record,
      (name) => this.#deps.table.get(name),
      (name) => this.#disabledEntries.has(name),
    );
  }

  #announce(record: PluginRecord): void {
    this.#deps.events.emit('plugin-loaded', {
      name: record.name,
      version: record.version,
      loadTimeMs: record.loadTimeMs,
      module: record.origin.module,
    });
  }

  /**
   * Unloads a plugin: waits (up to `hookTimeout`) for its running hook calls, calls `shutdown()`, removes
   * its hooks, listeners and services; warns when loaded plugins still depend on it. False when none is loaded.
   */
  async unload(name: string, options: UnloadOptions = {}): Promise<boolean> {
    const record = this.#deps.table.get(name);
    if (record === undefined) return false;
    const purgeData = options.purgeData ?? false;
    const error = await this.#deps.activator.retire(record, { drain: true, purgeData });
    const dependents = this.#deps.table
      .records()
      .map((r) => r.plugin)
      .filter((p) => normalizeDependencies(declared(p, 'dependencies') as PluginDependencies | undefined).some((d) => d.name === name))
      .map((p) => p.name);
    if (dependents.length > 0) {
      this.#deps.events.emit('warning', {
        code: 'KNEXUS_PLUGIN_DEPENDENTS',
        message: `Plugin '${name}' was unloaded while ${dependents.join(', ')} still depend on it`,
        details: { pluginName: name, dependents },
      });
    }
    this.#deps.events.emit('plugin-unloaded', { name, version: record.version, purgedData: purgeData, error });
    return true;
  }
}
