import type { ResolvedAppConfig } from '../connection/app-config.js';
import type { ConnectionTarget } from '../connection/connection-target.js';
import type { SharedPool } from '../connection/shared-pool.js';
import { KnexusError } from '../errors.js';
import { hasScripts } from '../migrations/migrations-config.js';
import type { Knex } from 'knex';
import { MigrationRunner } from '../migrations/migration-runner.js';
import type { RunnerOptions } from '../migrations/runner-options.js';
import { SeedRunner } from '../migrations/seed-runner.js';

/** Where an app's migrations and seeds run: its validated config, its pool (client, gate, secrets) and its target. */
export interface RunnerSite {
  readonly name: string;
  readonly config: ResolvedAppConfig;
  readonly pool: SharedPool;
  readonly target: ConnectionTarget;
}

/**
 * A plugin's own migrations and seeds inside an app: another ledger namespace and folders, the app's
 * lock timeout, pool gate and shutdown.
 */
export interface PluginScope {
  readonly namespace: string;
  readonly directories: readonly string[];
  readonly context: Readonly<Record<string, unknown>>;
}

/**
 * The one way a runner is built, for registration, manual calls, repair and plugin data alike, so each
 * gets the app's pool gate, lock timeout and shutdown signal.
 */
export function createRunner(
  knex: Knex,
  site: RunnerSite,
  which: 'migrations',
  stopped: () => boolean,
  scope?: PluginScope,
): MigrationRunner;
export function createRunner(knex: Knex, site: RunnerSite, which: 'seeds', stopped: () => boolean, scope?: PluginScope): SeedRunner;
export function createRunner(
  knex: Knex,
  site: RunnerSite,
  which: 'migrations' | 'seeds',
  stopped: () => boolean,
  scope?: PluginScope,
): MigrationRunner | SeedRunner {
  const settings = runnerSettings(site, which, stopped, scope);
  return which === 'migrations' ? new MigrationRunner(knex, settings) : new SeedRunner(knex, settings);
}

/** The options of an app's migration (or seed) runner; KNEXUS_ERR_INVALID_CONFIG when it has none to run. */
function runnerSettings(
  site: RunnerSite,
  which: 'migrations' | 'seeds',
  stopped: () => boolean,
  scope: PluginScope | undefined,
): RunnerOptions {
  const { name, config, pool, target } = site;
  const settings = config[which];
  if (scope !== undefined) {
    return {
      appName: scope.namespace,
      client: pool.target.client,
      directories: scope.directories,
      tableName: settings.tableName,
      schema: target.schema,
      lockTimeout: config.migrations.lockTimeout,
      drift: settings.drift,
      context: scope.context,
      gate: pool.limit,
      stopped,
    };
  }
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
        ? {
            tableName: migrations.knexTableName,
            import: migrations.importKnexHistory,
            schema: migrations.knexSchemaName,
            mode: migrations.knexLedger,
          }
        : undefined,
    tableName: settings.tableName,
    schema: target.schema,
    lockTimeout: migrations.lockTimeout,
    drift: settings.drift,
    gate: pool.limit,
    stopped,
  };
}
