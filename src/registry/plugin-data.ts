import type { AppHandle } from '../connection/app-handle.js';
import { KnexusError, errorMessage, toError } from '../errors.js';
import type { RunResult } from '../migrations/ledger-types.js';
import type { MigrationRunner } from '../migrations/migration-runner.js';
import type { SeedRunner } from '../migrations/seed-runner.js';
import type { PluginDataSet } from '../plugins/data/plugin-data-set.js';
import type { PluginDataHandler } from '../plugins/data/plugin-data-runner.js';
import type { AppEntry } from './app-entry.js';
import type { RegistryContext } from './registry-context.js';
import { createRunner } from './runner-settings.js';

/** A runner of the plugin's own files in `entry`'s database, built the way the app's own runners are. */
function pluginRunner(
  ctx: RegistryContext,
  entry: AppEntry,
  connection: AppHandle,
  set: PluginDataSet,
  which: 'migrations',
): MigrationRunner;
function pluginRunner(ctx: RegistryContext, entry: AppEntry, connection: AppHandle, set: PluginDataSet, which: 'seeds'): SeedRunner;
function pluginRunner(ctx: RegistryContext, entry: AppEntry, connection: AppHandle, set: PluginDataSet, which: 'migrations' | 'seeds') {
  // The app's runner site: behind a transaction pooler, the server itself.
  const { knex, pool } = entry.runner?.site ?? { knex: connection.knex, pool: entry.pool! };
  const site = { name: entry.name, config: entry.config, pool, target: connection.target };
  const scope = { namespace: set.namespace, directories: set[which], context: Object.freeze({ plugin: set.plugin, appName: entry.name }) };
  const stopped = () => ctx.closing();
  return which === 'migrations' ? createRunner(knex, site, which, stopped, scope) : createRunner(knex, site, which, stopped, scope);
}

const summary = (result: RunResult | null) => (result === null ? null : { batch: result.batch, applied: result.applied });

/**
 * Applies a plugin's migrations, then its seeds, in `entry`'s database under the ledger namespace
 * `plugin:<name>` (the app's ledger tables, a lock of that namespace). A failure is reported
 * (`error` event, `onOperationFailed` with `{ pluginName }`) and recorded in status, never thrown:
 * a plugin never stops an app's registration.
 */
export async function applyPluginData(ctx: RegistryContext, entry: AppEntry, set: PluginDataSet): Promise<void> {
  const connection = entry.connection;
  if (connection === undefined || !set.appliesTo(entry.name)) return;
  const records = (entry.pluginData ??= new Map());
  let migrations: RunResult | null = null;
  let seeds: RunResult | null = null;
  try {
    if (set.migrations.length > 0) migrations = await pluginRunner(ctx, entry, connection, set, 'migrations').latest();
    if (set.seeds.length > 0) seeds = await pluginRunner(ctx, entry, connection, set, 'seeds').run();
    records.set(set.pluginName, { namespace: set.namespace, migrations: summary(migrations), seeds: summary(seeds) });
  } catch (thrown) {
    const error = new KnexusError(
      'KNEXUS_ERR_PLUGIN_DATA',
      `Plugin '${set.pluginName}' could not apply its ${migrations === null && set.migrations.length > 0 ? 'migrations' : 'seeds'} ` +
        `to app '${entry.name}': ${errorMessage(entry.runner!.scrub(toError(thrown)))}`,
      { appName: entry.name, pluginName: set.pluginName, phase: 'plugin-data' },
      entry.runner!.scrub(thrown),
    );
    records.set(set.pluginName, { namespace: set.namespace, migrations: summary(migrations), seeds: summary(seeds), error: error.message });
    await ctx.fail(entry.name, 'migrations', error, { pluginName: set.pluginName, namespace: set.namespace });
  }
}

/** Undoes a plugin's seeds, then its migrations, in `entry`'s database (unload with `purgeData`); throws on failure. */
export async function purgePluginData(ctx: RegistryContext, entry: AppEntry, set: PluginDataSet): Promise<void> {
  const connection = entry.connection;
  if (connection === undefined || !set.appliesTo(entry.name)) return;
  try {
    if (set.seeds.length > 0) await pluginRunner(ctx, entry, connection, set, 'seeds').rollback({ all: true });
    if (set.migrations.length > 0) await pluginRunner(ctx, entry, connection, set, 'migrations').rollback({ all: true });
  } catch (thrown) {
    throw new KnexusError(
      'KNEXUS_ERR_PLUGIN_DATA',
      `Could not roll back the migrations and seeds of plugin '${set.pluginName}' in app '${entry.name}': ${errorMessage(entry.runner!.scrub(toError(thrown)))}`,
      { appName: entry.name, pluginName: set.pluginName, phase: 'purge' },
      entry.runner!.scrub(thrown),
    );
  }
  entry.pluginData?.delete(set.pluginName);
}

/** How the plugin system applies (or purges) a plugin's own migrations and seeds in every ready app. */
export function pluginDataHandler(ctx: RegistryContext): PluginDataHandler {
  const ready = () => [...ctx.apps.values()].filter((entry) => entry.state === 'ready');
  return {
    apply: async (set) => {
      for (const entry of ready()) await applyPluginData(ctx, entry, set);
    },
    purge: async (set) => {
      for (const entry of ready()) await purgePluginData(ctx, entry, set);
    },
  };
}
