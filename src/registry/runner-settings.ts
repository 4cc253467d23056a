import type { ResolvedAppConfig } from '../connection/app-config.js';
import type { ConnectionTarget } from '../connection/connection-target.js';
import type { SharedPool } from '../connection/shared-pool.js';
import { KnexusError } from '../errors.js';
import { hasScripts } from '../migrations/migrations-config.js';
import type { RunnerOptions } from '../migrations/runner-options.js';

/** Where an app's migrations and seeds run: its validated config, its pool (client, gate, secrets) and its target. */
export interface RunnerSite {
  readonly name: string;
  readonly config: ResolvedAppConfig;
  readonly pool: SharedPool;
  readonly target: ConnectionTarget;
}

/** The options of an app's migration (or seed) runner; KNEXUS_ERR_INVALID_CONFIG when it has none to run. */
export function runnerSettings(site: RunnerSite, which: 'migrations' | 'seeds', stopped: () => boolean): RunnerOptions {
  const { name, config, pool, target } = site;
  const settings = config[which];
  if (!hasScripts(settings)) {
    throw new KnexusError(
      'KNEXUS_ERR_INVALID_CONFIG',
      `App '${name}' has no ${which} directory: set '${which}.directory' when registering it`,
      { appName: name, field: `${which}.directory` },
    );
  }
  const migrations = config.migrations;
  return {
    appName: name,
    client: pool.target.client,
    directories: settings.directories,
    source: settings.source,
    loadExtensions: settings.loadExtensions,
    disableTransactions: which === 'migrations' && migrations.disableTransactions,
    knexHistory:
      which === 'migrations'
        ? { tableName: migrations.knexTableName, import: migrations.importKnexHistory, schema: migrations.knexSchemaName, mode: migrations.knexLedger }
        : undefined,
    tableName: settings.tableName,
    schema: target.schema,
    lockTimeout: migrations.lockTimeout,
    drift: settings.drift,
    gate: pool.limit,
    stopped,
  };
}
