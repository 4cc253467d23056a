import type { Knex } from 'knex';
import type { KnexusError } from '../errors.js';

/** Hook phases: `pre` plugins finish before the others start, `post` plugins start after them. */
export const PLUGIN_ORDERS = ['pre', 'normal', 'post'] as const;
/** A plugin's hook phase. */
export type PluginOrder = (typeof PLUGIN_ORDERS)[number];

/** One entry of the `plugins` config. */
export interface PluginEntry {
  /** Default true; `false` skips the entry. */
  readonly enabled?: boolean;
  /** Package name or path (relative to `baseDir`) of the plugin module. */
  readonly module: string;
  /** Passed to the constructor and to `initialize()`. */
  readonly config?: Readonly<Record<string, unknown>>;
  /** Folder relative module paths resolve against; default the manager's `baseDir`. */
  readonly baseDir?: string;
}

/**
 * The `plugins` option: entries by key, and optionally `directory` (a folder, a glob, or a list) whose
 * plugin modules are all loaded; an entry named like a found module gives it `enabled`/`config`
 * without a `module`, and an entry with its own `module` wins.
 */
export type PluginsConfig = { readonly directory?: string | readonly string[] } & {
  readonly [key: string]: PluginEntry | Omit<PluginEntry, 'module'> | string | readonly string[] | undefined;
};

/** Error threshold: the `count`th hook error (or timeout) within `windowMs` disables the plugin. */
export interface MaxErrorsOptions {
  /** Hook failures within the window that disable the plugin (at least 1; 1 disables it on its first failure). */
  readonly count: number;
  /** Length of the sliding window, in ms. */
  readonly windowMs: number;
}

/** Options of `PluginManager` (`new AppRegistry({ pluginManager: … })`). */
export interface PluginManagerOptions {
  /** Longest `load()` may take, in ms; config entries get twice this for import + initialization. Default 30000. */
  readonly loadTimeout?: number;
  /** Longest one plugin's `shutdown()` may take, in ms; default 15000. */
  readonly shutdownTimeout?: number;
  /** Longest one hook call may take before it is reported and its signal aborted, in ms; default 5000. */
  readonly hookTimeout?: number;
  /** Most plugins importing or initializing at once; default 3. */
  readonly concurrency?: number;
  /** Record per-plugin and per-hook metrics; default true. */
  readonly enableMetrics?: boolean;
  /** Folder relative module paths resolve against; default `process.cwd()`. */
  readonly baseDir?: string;
  /**
   * Folders a plugin given as a file path or `file:` URL must really lie in (after following symlinks);
   * default `[baseDir]` (the config file's folder for the CLI). Installed packages named by a bare
   * specifier are allowed wherever Node resolves them; `data:`, `node:` and `http:` modules never are.
   */
  readonly allowedRoots?: readonly string[];
  /** Disable a plugin once `count` of its hook calls fail within `windowMs`; default off. */
  readonly maxErrors?: MaxErrorsOptions;
  /** Where plugin storage lives: an app name, a knex config, or memory (default). */
  readonly storage?: string | Knex.Config;
}

/** A failed config entry. */
export interface PluginFailure {
  readonly name: string;
  readonly error: KnexusError;
}

/** A config entry that failed to load: `{ name, error }` (the message), plus its code and the coded error. */
export interface PluginLoadFailure {
  /** The config key (the plugin may not have been constructed, so it has no name yet). */
  readonly name: string;
  /** The error message. */
  readonly error: string;
  /** The stable `KNEXUS_ERR_*` code. */
  readonly code: string;
  /** The coded error itself, with its context fields (`pluginName`, `module`, `resolvedPath`) and its own `cause`. */
  readonly cause?: KnexusError;
}

/** What `loadConfigured()` (and so `registry.initialize()`) resolves with. */
export interface PluginInitializeResult {
  /** Active plugins after loading. */
  readonly pluginCount: number;
  /** Names of the plugins loaded by this call (what `getPlugin`/`unloadPlugin` accept), in config order. */
  readonly loadedPlugins: readonly string[];
  /** Config keys of the entries that failed, with their errors, in config order. */
  readonly failedPlugins: readonly PluginLoadFailure[];
}

/** What `shutdown()` resolves with. */
export interface PluginShutdownResult {
  readonly stopped: readonly string[];
  readonly errors: readonly PluginFailure[];
  readonly durationMs: number;
}

/** Options of `unload()`. */
export interface UnloadOptions {
  /** Also delete the plugin's stored data; default false. */
  readonly purgeData?: boolean;
}
