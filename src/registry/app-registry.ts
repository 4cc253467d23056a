import { EventEmitter } from 'eventemitter3';
import type { AppConfig, ResolvedAppConfig } from '../connection/app-config.js';
import type { AppHandle } from '../connection/app-handle.js';
import { KnexusError } from '../errors.js';
import { HealthMonitor } from '../health/health-monitor.js';
import type { RegistryHealth } from '../health/health-report.js';
import type { RepairResult } from '../migrations/dirty-state.js';
import type { RunResult } from '../migrations/ledger-types.js';
import type { RepairOptions } from '../migrations/repair-options.js';
import { expandPluginEntries } from '../plugins/loading/discover-plugins.js';
import type { ShutdownResult, UnregisterOptions } from '../plugins/lifecycle-types.js';
import { PluginManager } from '../plugins/plugin-manager.js';
import type { PluginEntry, UnloadOptions } from '../plugins/plugin-types.js';
import type { Plugin, PluginSource } from '../plugins/plugin.js';
import type { RegistryEvents } from '../plugins/registry-events.js';
import type { RegistryStatus } from '../plugins/status/registry-status.js';
import { TenantDirectory } from '../tenants/tenant-directory.js';
import type { TenantHost } from '../tenants/tenant-options.js';
import type { TenantsStatus } from '../tenants/tenants-status.js';
import { assertAppName } from '../util/identifier.js';
import type { AppEntry } from './app-entry.js';
import { appNotFound } from './app-not-found.js';
import type { AppRegistryOptions, InitializeResult } from './app-registry-options.js';
import { applyKnexfile, usesKnexfile } from './apply-knexfile.js';
import { assertRegistryOptions } from './assert-registry-options.js';
import { pluginDataHandler } from './plugin-data.js';
import { registerEntry, reportRefusedRegistration } from './register-pipeline.js';
import type { RegistryContext, ResolvedSettings } from './registry-context.js';
import { runHealthCycle, withServers } from './registry-health.js';
import { registryMetrics } from './registry-metrics.js';
import { createReporter } from './registry-reporter.js';
import { runShutdown } from './registry-shutdown.js';
import { registryStatus } from './registry-status.js';
import { repairApp } from './repair-app.js';
import { reserveApp } from './reserve-app.js';
import { migrateDetached } from './migrate-detached.js';
import { resolveAppConfig } from './app-config/resolve-app-config.js';
import { resolveSettings } from './resolve-settings.js';
import { resolveUnregisterOptions, unregisterEntry } from './unregister-pipeline.js';

/**
 * Runs many database apps from one process: one connection per app (or a shared, ref-counted one),
 * migrations and tracked seeds applied at registration and undone at unregistration, health checks,
 * lifecycle plugins, and a bounded, idempotent shutdown.
 *
 * @example
 * const registry = new AppRegistry();
 * const blog = await registry.registerApp('blog', {
 *   database: { client: 'better-sqlite3', connection: { filename: './data/blog.sqlite' } },
 *   migrations: { directory: './migrations' },
 * });
 * await registry.shutdown();
 */
export class AppRegistry extends EventEmitter<RegistryEvents> {
  /** The registry's plugin manager. */
  readonly plugins: PluginManager;
  /** The tenant fleet (`new AppRegistry({ tenants })`): lazy attach, idle detach, fleet check and migration; undefined without it. */
  readonly tenants: TenantDirectory | undefined;
  readonly #settings: ResolvedSettings;
  readonly #baseDir: string;
  readonly #pluginEntries: Readonly<Record<string, PluginEntry>>;
  readonly #apps = new Map<string, AppEntry>();
  /** Configs of apps whose registration was refused for a dirty ledger, so `repair(name, …)` can reach it. */
  readonly #refused = new Map<string, ResolvedAppConfig>();
  readonly #ctx: RegistryContext;
  readonly #monitor: HealthMonitor;
  #sequence = 0;
  #initializing: Promise<InitializeResult> | undefined;
  #initialized = false;
  #shuttingDown: Promise<ShutdownResult> | undefined;
  #lastHealth: RegistryHealth | undefined;

  constructor(options: AppRegistryOptions = {}) {
    super();
    assertRegistryOptions(options);
    this.#settings = resolveSettings(options.registry);
    this.#baseDir = options.baseDir ?? process.cwd();
    this.#pluginEntries = Object.freeze(expandPluginEntries(options.plugins ?? {}, this.#baseDir));
    this.plugins = new PluginManager(this, { baseDir: this.#baseDir, ...options.pluginManager });
    this.#ctx = {
      ...createReporter(this, this.plugins, () => this.#shuttingDown !== undefined),
      settings: this.#settings,
      apps: this.#apps,
      pluginData: () => this.plugins.dataSets(),
    };
    this.plugins.setDataHandler(pluginDataHandler(this.#ctx));
    this.#monitor = new HealthMonitor(this.#settings.healthCheckInterval, () => this.healthCheck());
    this.tenants = options.tenants === undefined ? undefined : new TenantDirectory(this.#tenantHost(), options.tenants, this.#baseDir);
  }

  /** Tenant `name`'s handle, attached on first use (one registration however many callers ask). Needs the `tenants` option. */
  tenant(name: string): Promise<AppHandle> {
    if (this.tenants !== undefined) return this.tenants.tenant(name);
    return Promise.reject(
      new KnexusError('KNEXUS_ERR_INVALID_CONFIG', 'registry.tenant() needs new AppRegistry({ tenants })', { field: 'tenants' }),
    );
  }

  /** Folder relative paths (migrations, seeds, SQLite files, plugin modules) resolve against. */
  get baseDir(): string {
    return this.#baseDir;
  }

  /** Loads the configured plugins and starts health checks. Idempotent; retried after a failure. */
  initialize(): Promise<InitializeResult> {
    this.#initializing ??= (async () => {
      const plugins = await this.plugins.loadConfigured(this.#pluginEntries);
      this.#initialized = true;
      if (this.#shuttingDown === undefined) this.#monitor.start();
      return { initialized: true as const, ...plugins };
    })();
    this.#initializing.catch(() => {
      this.#initializing = undefined;
    });
    return this.#initializing;
  }

  /**
   * Registers an app: validates its config, opens (or shares) its connection, runs its migrations
   * and seeds, binds its models. Resolves with the app's AppHandle.
   */
  async registerApp(name: string, config: AppConfig): Promise<AppHandle> {
    let entry: AppEntry;
    try {
      // Reading a knexfile is asynchronous; every other config reserves its name synchronously.
      entry = this.#reserve(name, usesKnexfile(config) ? await applyKnexfile(config, this.#baseDir) : config);
    } catch (error) {
      await reportRefusedRegistration(this.#ctx, name, error, () => this.initialize());
      throw error;
    }
    return registerEntry(this.#ctx, entry, () => this.initialize(), this.#refused);
  }

  /**
   * Marks app `name`'s migrations up to and including `to` as applied without running them (origin
   * `baseline`, shown in status), for databases built by other means; `{ fromKnex: true }` instead records
   * what knex's own ledger says was applied. Register the app with `migrations.enabled: false` first.
   */
  async baseline(name: string, options: { to?: string; fromKnex?: boolean }): Promise<RunResult> {
    return this.getApp(name).baselineMigrations(options);
  }

  /**
   * Settles a file a failure or a crash left dirty (started, never finished), after a human checked the
   * database: `resolution: 'applied'` keeps it applied, `'rolled-back'` forgets it so it runs again.
   * Works on a registered app, or on one whose registration was just refused with KNEXUS_ERR_LEDGER_DIRTY.
   * Emits `ledger-repaired` (the audit trail).
   */
  async repair(name: string, options: RepairOptions): Promise<RepairResult> {
    assertAppName(name);
    return repairApp(this.#ctx, name, options, this.#refused.get(name));
  }

  /** Unregisters an app: by default undoes what its registration applied, then closes its connection. */
  async unregisterApp(name: string, options?: UnregisterOptions): Promise<boolean> {
    assertAppName(name);
    const resolved = resolveUnregisterOptions(name, options);
    if (this.#shuttingDown !== undefined) {
      // shutdown() is closing every pool (and never rolls back): a rollback now would wait on a pool being destroyed.
      throw new KnexusError(
        'KNEXUS_ERR_SHUTTING_DOWN',
        `Cannot unregister app '${name}': the registry is shutting down (shutdown never rolls back)`,
        {
          appName: name,
        },
      );
    }
    await unregisterEntry(this.#ctx, name, resolved);
    return true;
  }

  /** The ready app called `name`; throws KNEXUS_ERR_APP_NOT_FOUND otherwise. */
  getApp(name: string): AppHandle {
    const entry = this.#apps.get(name);
    if (entry?.state !== 'ready' || !entry.connection) throw appNotFound(name);
    return entry.connection;
  }

  /** True when an app called `name` is registered and ready. */
  hasApp(name: string): boolean {
    return this.#apps.get(name)?.state === 'ready';
  }

  /** Every ready app, in registration order. */
  getAllApps(): AppHandle[] {
    return [...this.#apps.values()].flatMap((entry) => (entry.state === 'ready' && entry.connection ? [entry.connection] : []));
  }

  /** A secret-free snapshot of the registry: apps, their connections and state, plugins, last health, and the tenant fleet's state. */
  getStatus(): RegistryStatus & { tenants?: TenantsStatus } {
    const shuttingDown = this.#shuttingDown !== undefined;
    const status = registryStatus({
      initialized: this.#initialized,
      shuttingDown,
      apps: this.#apps.values(),
      plugins: this.plugins.getStatus(),
      health: this.#lastHealth,
    });
    return this.tenants === undefined ? status : { ...status, tenants: this.tenants.status() };
  }

  /** Runs one health cycle now: a real round trip per physical connection, and the tenant fleet's servers. */
  async healthCheck(): Promise<RegistryHealth> {
    this.#lastHealth = withServers(await runHealthCycle(this.#ctx), this.tenants?.status().servers);
    return this.#lastHealth;
  }

  /**
   * Prometheus text of plugin metrics and registry gauges (apps by state, pools, last health, tenants), every
   * family's samples together under its HELP and TYPE. Written by prom-client, loaded on the first call.
   */
  async metrics(): Promise<string> {
    const client = await import('prom-client');
    const register = new client.Registry();
    this.plugins.addMetrics(client, register);
    registryMetrics(client, register, this.#apps.values(), this.#lastHealth, this.tenants?.options.perTenantMetrics === true);
    this.tenants?.addMetrics(client, register);
    return register.metrics();
  }

  /** Stops health checks, closes apps in reverse order (no rollback), shuts plugins down. Idempotent. */
  shutdown(): Promise<ShutdownResult> {
    this.#shuttingDown ??= (async () => {
      this.#monitor.stop();
      await this.tenants?.close();
      return runShutdown(this.#ctx, this.plugins);
    })();
    return this.#shuttingDown;
  }

  /** `await using registry = new AppRegistry()` shuts it down at scope exit. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.shutdown();
  }

  /** Loads a plugin class or instance: `loadPlugin(PluginClass, config)`. */
  loadPlugin(plugin: PluginSource, config?: Record<string, unknown>): Promise<Plugin> {
    return this.plugins.load(plugin, config);
  }

  /** Unloads a plugin; resolves false when none is loaded under that name. */
  unloadPlugin(name: string, options?: UnloadOptions): Promise<boolean> {
    return this.plugins.unload(name, options);
  }

  /** Hot-reloads a plugin; if the new one fails to load the old one stays active. */
  reloadPlugin(name: string, source?: PluginSource, config?: Record<string, unknown>): Promise<Plugin> {
    return this.plugins.reload(name, source, config);
  }

  /** The plugin called `name`, if loaded. */
  getPlugin(name: string): Plugin | undefined {
    return this.plugins.get(name);
  }

  /** Every loaded plugin. */
  getAllPlugins(): Plugin[] {
    return this.plugins.getAll();
  }

  /** Publishes a service other plugins can import. */
  exportService(plugin: Plugin | string, name: string, impl: unknown): void {
    this.plugins.exportService(plugin, name, impl);
  }

  /** Looks up a service another plugin exported. */
  importService<T = unknown>(plugin: Plugin | string, name: string): T {
    return this.plugins.importService<T>(plugin, name);
  }

  /** What the tenant directory may do with this registry, including migrating a tenant without attaching it. */
  #tenantHost(): TenantHost {
    return {
      registerApp: (name, config) => this.registerApp(name, config),
      unregisterApp: (name, options) => this.unregisterApp(name, options),
      hasApp: (name) => this.hasApp(name),
      getApp: (name) => this.getApp(name),
      migrateDetached: async (name, config, options) => {
        await this.initialize();
        return migrateDetached(this.#ctx, this.#baseDir, name, config, options);
      },
    };
  }

  /** Validates and reserves the name synchronously, so a concurrent registration of it is refused. */
  #reserve(name: string, config: AppConfig): AppEntry {
    assertAppName(name);
    if (this.#shuttingDown !== undefined) {
      throw new KnexusError('KNEXUS_ERR_SHUTTING_DOWN', `Cannot register app '${name}': the registry is shutting down`, { appName: name });
    }
    const entry = reserveApp(this.#apps, name, () => resolveAppConfig(name, config, this.#baseDir), this.#sequence);
    this.#sequence++;
    this.#apps.set(name, entry);
    return entry;
  }
}
