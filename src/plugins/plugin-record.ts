import type { KnexusError } from '../errors.js';
import type { HookName } from './hooks/hook-map.js';
import { HookStats } from './hooks/hook-stats.js';
import type { HostListener } from './plugin-host.js';
import { attachRuntime } from './plugin-runtime.js';
import type { Plugin, PluginClass } from './plugin.js';
import type { PluginState } from './plugin-state.js';

/** Where a plugin came from, kept so `reload()` can load it again. */
export interface PluginOrigin {
  /** The config key, for config-loaded plugins. */
  readonly key?: string;
  /** The module specifier as written. */
  readonly module?: string;
  /** The absolute file the module resolved to. */
  readonly resolvedPath?: string;
  /** Folder `module` was resolved against. */
  readonly baseDir?: string;
  /** The class the instance was made from, when known. */
  readonly pluginClass?: PluginClass;
  readonly config: Readonly<Record<string, unknown>>;
}

/** A registry listener a plugin added through its scoped context. */
export interface TrackedListener {
  readonly event: string;
  readonly fn: HostListener;
  readonly context: unknown;
  readonly once: boolean;
}

/** The manager's bookkeeping for one plugin: state, origin, metrics, and what it registered. */
export class PluginRecord {
  readonly plugin: Plugin;
  readonly name: string;
  readonly origin: PluginOrigin;
  /** The plugin's own copy of its config, with `configSchema` defaults filled: what `validateConfiguration()` and `initialize()` receive. */
  readonly config: Readonly<Record<string, unknown>>;
  #state: PluginState = 'loading';
  /** Position in load order, used to shut down in reverse. */
  sequence = 0;
  loadTimeMs = 0;
  loadedAt: Date | undefined;
  lastError: Error | undefined;
  readonly listeners: TrackedListener[] = [];
  /** Services this plugin exported, so they can be withdrawn or restored. */
  readonly services = new Map<string, unknown>();
  /** @internal The one retirement of this plugin (so `shutdown()` runs once); its shutdown error, if any. */
  retirement: Promise<KnexusError | undefined> | undefined;
  readonly #stats = new Map<HookName, HookStats>();
  #errorTimes: number[] = [];
  #inflight = 0;
  #drained: (() => void)[] = [];

  /** Wraps a constructed (not yet initialized) plugin. */
  constructor(plugin: Plugin, origin: PluginOrigin, config: Readonly<Record<string, unknown>> = origin.config) {
    this.plugin = plugin;
    this.config = config;
    this.name = plugin.name;
    this.origin = origin;
    attachRuntime(plugin, () => ({
      state: this.#state,
      hooks: Object.fromEntries([...this.#stats].map(([hook, stats]) => [hook, stats.toJSON()])),
    }));
  }

  /** The plugin's lifecycle state; setting it keeps a `PluginInterface`'s `enabled`/`initialized` flags in step. */
  get state(): PluginState {
    return this.#state;
  }

  set state(next: PluginState) {
    const previous = this.#state;
    this.#state = next;
    const flags = this.plugin as { enabled?: unknown; initialized?: unknown };
    if (typeof flags.enabled !== 'boolean' || typeof flags.initialized !== 'boolean') return;
    try {
      flags.enabled = next === 'active';
      // Initialized from the end of initialize() (the record leaves 'loading') until shutdown() finished.
      if (next === 'active' || next === 'disabled') flags.initialized = true;
      else if (next === 'stopped') flags.initialized = false;
      else if (next === 'stopping' && previous === 'loading') flags.initialized = false;
    } catch {
      // A frozen instance keeps its flags.
    }
  }

  /** Marks a staged (reloaded) plugin as initialized before it is swapped in. */
  markInitialized(): void {
    const flags = this.plugin as { initialized?: unknown };
    if (typeof flags.initialized !== 'boolean') return;
    try {
      flags.initialized = true;
    } catch {
      // As above.
    }
  }

  /** The plugin's version string. */
  get version(): string {
    return this.plugin.version;
  }

  /**
   * True once the plugin is being taken out (its load timed out or was aborted, or it is unloading):
   * it may no longer add registry listeners or export services.
   */
  get revoked(): boolean {
    return this.state === 'stopping' || this.state === 'stopped';
  }

  /** Hook calls of this plugin still running. */
  get inflight(): number {
    return this.#inflight;
  }

  /** The counters of `hook`, created on first use. */
  stats(hook: HookName): HookStats {
    let stats = this.#stats.get(hook);
    if (stats === undefined) {
      stats = new HookStats();
      this.#stats.set(hook, stats);
    }
    return stats;
  }

  /** Every hook's counters. */
  allStats(): ReadonlyMap<HookName, HookStats> {
    return this.#stats;
  }

  /** Counts an async hook call as started. */
  callStarted(): void {
    this.#inflight++;
  }

  /** Counts an async hook call as finished and wakes `drain()` waiters when none is left. */
  callFinished(): void {
    if (--this.#inflight > 0 || this.#drained.length === 0) return;
    const waiters = this.#drained;
    this.#drained = [];
    for (const wake of waiters) wake();
  }

  /** Resolves once no hook call of this plugin is running. */
  drain(): Promise<void> {
    if (this.#inflight === 0) return Promise.resolve();
    return new Promise((resolve) => this.#drained.push(resolve));
  }

  /** Records a hook failure at `now`; returns how many failures fall within the last `windowMs`. */
  recordFailure(now: number, windowMs: number): number {
    const times = this.#errorTimes.filter((t) => now - t < windowMs);
    times.push(now);
    this.#errorTimes = times;
    return times.length;
  }
}
