import { KnexusError } from '../errors.js';
import type { HookArgs, HookName, HookResult, LifecycleDispatcher } from './hook-map.js';
import type { PluginHost } from './plugin-host.js';
import type {
  Plugin,
  PluginEntry,
  PluginInitializeResult,
  PluginManagerOptions,
  PluginShutdownResult,
  PluginSource,
  UnloadOptions,
} from './plugin-types.js';

/** Loads, drives and shuts down the registry's plugins. */
export class PluginManager implements LifecycleDispatcher {
  readonly #host: PluginHost;
  readonly #options: PluginManagerOptions;
  readonly #plugins = new Map<string, Plugin>();

  /** Creates a manager for `appRegistry`; the registry builds its own as `registry.plugins`. */
  constructor(appRegistry: PluginHost, options: PluginManagerOptions = {}) {
    this.#host = appRegistry;
    this.#options = Object.freeze({ ...options });
  }

  /** Loads every enabled config entry. */
  async loadConfigured(_entries: Readonly<Record<string, PluginEntry>> = {}): Promise<PluginInitializeResult> {
    return { pluginCount: this.#plugins.size, loadedPlugins: [], failedPlugins: [] };
  }

  /** Loads one plugin. */
  async load(_source: PluginSource, _config: Record<string, unknown> = {}): Promise<Plugin> {
    throw new KnexusError('KNEXUS_ERR_PLUGIN_INVALID', 'not implemented yet');
  }

  /** Unloads a plugin. */
  async unload(name: string, _options: UnloadOptions = {}): Promise<boolean> {
    return this.#plugins.delete(name);
  }

  /** Replaces a plugin. */
  async reload(name: string, _source?: PluginSource, _config?: Record<string, unknown>): Promise<Plugin> {
    throw new KnexusError('KNEXUS_ERR_PLUGIN_NOT_FOUND', `Plugin '${name}' is not loaded`, { pluginName: name });
  }

  /** The plugin named `name`. */
  get(name: string): Plugin | undefined {
    return this.#plugins.get(name);
  }

  /** All active plugins. */
  getAll(): Plugin[] {
    return [...this.#plugins.values()];
  }

  /** True when a plugin named `name` is active. */
  has(name: string): boolean {
    return this.#plugins.has(name);
  }

  /** Status of the plugin system. */
  getStatus(): { counts: { total: number; enabled: number } } {
    return { counts: { total: this.#plugins.size, enabled: this.#plugins.size } };
  }

  /** Calls `hook` on every plugin implementing it. */
  async dispatch<K extends HookName>(_hook: K, ..._args: HookArgs<K>): Promise<ReadonlyMap<string, HookResult<K>>> {
    return new Map();
  }

  /** True when an active plugin implements `hook`. */
  handles(_hook: HookName): boolean {
    return false;
  }

  /** Shuts every plugin down. */
  async shutdown(): Promise<PluginShutdownResult> {
    return { stopped: [], errors: [], durationMs: 0 };
  }

  /** Publishes a service. */
  exportService(_plugin: Plugin | string, _name: string, _impl: unknown): void {}

  /** Looks a service up. */
  importService<T = unknown>(_plugin: Plugin | string, name: string): T {
    throw new KnexusError('KNEXUS_ERR_SERVICE_NOT_FOUND', `Service '${name}' not found`);
  }

  /** Prometheus text. */
  metrics(): string {
    return '';
  }

  /** For the registry's log output. */
  get options(): PluginManagerOptions {
    return this.#options;
  }

  /** The registry. */
  get host(): PluginHost {
    return this.#host;
  }
}
