import type { AppStatus, RegistryStatus } from '../plugins/status/registry-status.js';
import { dictionary } from '../util/dictionary.js';
import type { PluginManager } from '../plugins/plugin-manager.js';
import type { AppEntry } from './app-entry.js';
import type { RegistryHealth } from '../health/health-report.js';

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
