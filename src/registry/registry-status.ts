import { dictionary } from '../util/dictionary.js';
import type { PluginDataStatus } from './plugin-data.js';
import type { PluginManager } from '../plugins/plugin-manager.js';
import type { AppEntry } from './app-entry.js';
import type { AppConfigView, AppState, ConnectionTarget, RegistryHealth } from './registry-types.js';

/** One app in `getStatus()`: no secrets, only where it points and what it runs. */
export interface AppStatus {
  readonly name: string;
  readonly state: AppState;
  readonly target: ConnectionTarget;
  /** The app whose pool this app uses (itself unless it shares one). */
  readonly owner: string | undefined;
  /** Apps currently using the same physical pool. */
  readonly references: number;
  readonly reusable: boolean;
  readonly registeredAt: Date | undefined;
  readonly migrations: AppConfigView['migrations'] & { readonly registrationBatch: number | null };
  readonly seeds: AppConfigView['seeds'] & { readonly registrationBatch: number | null };
  readonly models: readonly string[];
  /** What each active plugin's own migrations and seeds did in this app (namespace `plugin:<name>`). */
  readonly pluginData: Readonly<Record<string, PluginDataStatus>>;
}

/** What `registry.getStatus()` returns. */
export interface RegistryStatus {
  readonly initialized: boolean;
  readonly shuttingDown: boolean;
  readonly counts: { readonly apps: number; readonly ready: number; readonly pools: number };
  readonly apps: Readonly<Record<string, AppStatus>>;
  readonly plugins: ReturnType<PluginManager['getStatus']>;
  readonly health: RegistryHealth | undefined;
}

/** Builds the registry's status snapshot. */
export function registryStatus(input: {
  initialized: boolean;
  shuttingDown: boolean;
  apps: Iterable<AppEntry>;
  plugins: ReturnType<PluginManager['getStatus']>;
  health: RegistryHealth | undefined;
}): RegistryStatus {
  const apps = dictionary<AppStatus>();
  const pools = new Set<unknown>();
  let ready = 0;
  for (const entry of input.apps) {
    if (entry.pool) pools.add(entry.pool);
    if (entry.state === 'ready') ready++;
    apps[entry.name] = {
      name: entry.name,
      state: entry.state,
      target: entry.view.target,
      owner: entry.pool?.owner,
      references: entry.pool?.references ?? 0,
      reusable: entry.config.reusable,
      registeredAt: entry.registeredAt,
      migrations: { ...entry.view.migrations, registrationBatch: entry.migrationBatch },
      seeds: { ...entry.view.seeds, registrationBatch: entry.seedBatch },
      models: entry.connection?.modelNames ?? entry.view.models,
      pluginData: Object.fromEntries(entry.pluginData ?? []),
    };
  }
  return {
    initialized: input.initialized,
    shuttingDown: input.shuttingDown,
    counts: { apps: Object.keys(apps).length, ready, pools: pools.size },
    apps,
    plugins: input.plugins,
    health: input.health,
  };
}
