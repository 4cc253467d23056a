import type { ResolvedAppConfig } from '../../connection/app-config.js';
import type { AppConfigView } from '../../connection/app-config-view.js';
import type { ConnectionTarget } from '../../connection/connection-target.js';

/** A secret-free, deeply frozen view of an app's config for plugins, events and status (a plugin cannot change what status reports). */
export function configView(config: ResolvedAppConfig, target: ConnectionTarget): AppConfigView {
  return Object.freeze({
    client: target.client,
    target: Object.freeze({ ...target }),
    database: Object.freeze({ ...target }),
    schema: config.schema,
    migrations: Object.freeze({
      enabled: config.migrations.enabled,
      directory: directoryOf(config.migrations.directories),
      directories: config.migrations.directories,
      tableName: config.migrations.tableName,
    }),
    seeds: Object.freeze({
      enabled: config.seeds.enabled,
      directory: directoryOf(config.seeds.directories),
      directories: config.seeds.directories,
      tableName: config.seeds.tableName,
    }),
    models: Object.freeze(Object.keys(config.models.definitions)),
    reusable: config.reusable,
    useConnection: config.useConnection,
  });
}

function directoryOf(directories: readonly string[]): string | readonly string[] | undefined {
  return directories.length > 1 ? directories : directories[0];
}
