import pTimeout from 'p-timeout';
import { KnexusError, errorMessage, toError } from '../../errors.js';
import type { RegistryErrorEvent } from '../registry-events.js';
import { NamespacedStorage } from '../storage/namespaced-storage.js';
import { configInvalidError, initFailedError, loadAbortedError, shutdownFailedError } from '../plugin-errors.js';
import type { PluginContext } from '../plugin.js';
import type { ResolvedPluginManagerOptions } from '../plugin-manager-options.js';
import type { PluginRecord } from '../plugin-record.js';
import type { PluginTable } from '../storage/plugin-table.js';
import { createScopedContext, removeTrackedListeners } from '../scoped-context.js';
import type { ServiceDirectory } from '../service-directory.js';
import type { StorageBackend } from '../storage/storage-backend.js';

/** What the activator works with, owned by the manager. */
export interface PluginActivatorContext {
  readonly host: PluginContext;
  readonly options: ResolvedPluginManagerOptions;
  readonly storage: StorageBackend;
  readonly services: ServiceDirectory;
  readonly table: PluginTable;
  /** Throws `KNEXUS_ERR_SHUTTING_DOWN` once the manager is shutting down. */
  readonly assertOpen: () => void;
  readonly reportError: (event: RegistryErrorEvent) => void;
  /** Rolls back the plugin's own migrations and seeds in every app (unload with `purgeData`). */
  readonly purgeData: (record: PluginRecord) => Promise<void>;
}

/** Options of `PluginActivator.retire`. */
export interface RetireOptions {
  /** Wait (up to `hookTimeout`) for the plugin's running hook calls first. */
  readonly drain: boolean;
  /** Delete the plugin's stored data. */
  readonly purgeData: boolean;
}

/**
 * Brings a prepared plugin to life (config validation, `initialize()` within its budget) and
 * takes it out again (`shutdown()` within `shutdownTimeout`, listeners, services and optionally
 * data removed). A plugin whose initialization timed out (or was cut short by shutdown) is never
 * activated: it is revoked at once (its listeners removed, its services withdrawn, and further
 * ones ignored), and if `initialize()` completes later, the plugin is shut down.
 */
export class PluginActivator {
  readonly #ctx: PluginActivatorContext;
  /** Activations in progress, so shutdown can let them finish first. */
  readonly #inflight = new Set<Promise<void>>();
  /** Aborted by `settle()`: cuts short the loads still running, and clears their timers. */
  readonly #abort = new AbortController();

  /** An activator working on the manager's state. */
  constructor(context: PluginActivatorContext) {
    this.#ctx = context;
  }

  /**
   * Validates the record's config (`validateConfiguration`) and initializes `record` within `timeoutMs`. `add` registers it in the
   * table; `stage` (reload) leaves that to the caller. Throws a coded error on failure.
   */
  activate(record: PluginRecord, timeoutMs: number, timeoutError: KnexusError, mode: 'add' | 'stage'): Promise<void> {
    const running = this.#activate(record, timeoutMs, timeoutError, mode);
    this.#inflight.add(running);
    const done = (): void => void this.#inflight.delete(running);
    running.then(done, done);
    return running;
  }

  /**
   * At shutdown (once `assertOpen` throws): waits up to `ms` for the activations in progress, each of
   * which shuts its plugin down when `initialize()` completes, then aborts the rest.
   */
  async settle(ms: number): Promise<void> {
    if (this.#inflight.size > 0) {
      await pTimeout(Promise.allSettled([...this.#inflight]), { milliseconds: Math.max(1, ms), message: false });
    }
    this.#abort.abort();
  }

  async #activate(record: PluginRecord, timeoutMs: number, timeoutError: KnexusError, mode: 'add' | 'stage'): Promise<void> {
    const { table, assertOpen } = this.#ctx;
    assertOpen();
    table.reserve(record, mode === 'stage');
    const started = performance.now();
    const work = this.#initialize(record, record.config);
    const signal = this.#abort.signal;
    try {
      await pTimeout(work, { milliseconds: Math.max(1, timeoutMs), message: timeoutError, signal });
    } catch (error) {
      table.unreserve(record);
      const aborted = signal.aborted && error === signal.reason;
      if (error !== timeoutError && !aborted) {
        this.#discard(record);
        throw error;
      }
      this.#revoke(record);
      work.then(
        () => void this.retire(record, { drain: false, purgeData: false }),
        () => this.#discard(record),
      );
      if (error === timeoutError) throw error;
      throw loadAbortedError({ pluginName: record.name, module: record.origin.module, resolvedPath: record.origin.resolvedPath });
    }
    table.unreserve(record);
    try {
      assertOpen();
    } catch (error) {
      await this.retire(record, { drain: false, purgeData: false });
      throw error;
    }
    record.markInitialized();
    record.loadTimeMs = performance.now() - started;
    record.loadedAt = new Date();
    if (mode === 'stage') return;
    record.state = 'active';
    table.add(record);
  }

  /**
   * Takes a plugin out of service and shuts it down; resolves with the shutdown error, if any.
   * Idempotent: a second call (say, an unload racing a reload) gets the first one's promise, so
   * `shutdown()` runs once, with the first caller's options.
   */
  retire(record: PluginRecord, options: RetireOptions): Promise<KnexusError | undefined> {
    record.retirement ??= this.#retire(record, options);
    return record.retirement;
  }

  async #retire(record: PluginRecord, options: RetireOptions): Promise<KnexusError | undefined> {
    const { table, services, storage, options: settings, host, reportError } = this.#ctx;
    record.state = 'stopping';
    table.remove(record);
    const { hookTimeout, shutdownTimeout } = settings;
    if (options.drain && record.inflight > 0) {
      const bound = hookTimeout > 0 ? Math.min(hookTimeout, shutdownTimeout) : shutdownTimeout;
      await pTimeout(record.drain(), { milliseconds: bound, message: false });
    }
    let failure: KnexusError | undefined;
    const timeoutError = shutdownFailedError(record.name, undefined, shutdownTimeout);
    try {
      await pTimeout(
        Promise.resolve().then(() => record.plugin.shutdown()),
        { milliseconds: shutdownTimeout, message: timeoutError },
      );
    } catch (error) {
      failure = error === timeoutError ? timeoutError : shutdownFailedError(record.name, error);
      reportError({ component: 'PluginManager', phase: 'shutdown', pluginName: record.name, error: failure });
    }
    removeTrackedListeners(host, record);
    services.withdraw(record);
    table.forget(record);
    if (options.purgeData) {
      try {
        await this.#ctx.purgeData(record);
      } catch (error) {
        reportError({ component: 'PluginManager', phase: 'purge', pluginName: record.name, error: toError(error) });
      }
      try {
        await storage.clear(record.name);
      } catch (error) {
        const purgeError = new KnexusError(
          'KNEXUS_ERR_PLUGIN_SHUTDOWN',
          `Could not delete the stored data of plugin '${record.name}': ${errorMessage(error)}`,
          { pluginName: record.name, phase: 'purge' },
          error,
        );
        reportError({ component: 'PluginManager', phase: 'purge', pluginName: record.name, error: purgeError });
      }
    }
    record.state = 'stopped';
    return failure;
  }

  async #initialize(record: PluginRecord, config: Readonly<Record<string, unknown>>): Promise<void> {
    const { plugin } = record;
    const source = { pluginName: record.name, module: record.origin.module, resolvedPath: record.origin.resolvedPath };
    try {
      plugin.storage = new NamespacedStorage(this.#ctx.storage, record.name);
    } catch {
      // A frozen plain-object plugin simply has no `storage`.
    }
    if (typeof plugin.validateConfiguration === 'function') {
      let valid: boolean | void;
      try {
        valid = await plugin.validateConfiguration(config);
      } catch (error) {
        throw configInvalidError(source, error);
      }
      if (valid === false) throw configInvalidError(source);
    }
    const scoped = createScopedContext(this.#ctx.host, record, this.#ctx.options.baseDir);
    try {
      await plugin.initialize(scoped, config);
    } catch (error) {
      throw initFailedError(source, error);
    }
  }

  /** Takes back what a plugin whose load timed out registered so far; it stays known until it is retired. */
  #revoke(record: PluginRecord): void {
    record.state = 'stopping';
    removeTrackedListeners(this.#ctx.host, record);
    this.#ctx.services.withdraw(record);
  }

  /** Forgets a plugin that never became active (its initialization failed). */
  #discard(record: PluginRecord): void {
    record.state = 'stopped';
    removeTrackedListeners(this.#ctx.host, record);
    this.#ctx.services.withdraw(record);
    this.#ctx.table.forget(record);
  }
}
