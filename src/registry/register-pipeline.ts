import type { ResolvedAppConfig } from '../connection/app-config.js';
import type { AppHandle } from '../connection/app-handle.js';
import { KnexusError, isKnexusError, toError } from '../errors.js';
import { FileCatalog } from '../migrations/scripts/file-catalog.js';
import type { AutoOperationsResult, FailedOperation } from '../plugins/lifecycle-types.js';
import { connectApp, releaseConnection } from './app-connection.js';
import type { AppEntry } from './app-entry.js';
import { applyPluginData } from './plugin-data.js';
import type { RegistryContext } from './registry-context.js';

/**
 * Registers the reserved `entry` once `before` (the registry's initialization) is done, tracking the work so
 * shutdown can wait for it. A registration refused for a dirty ledger keeps its config in `refused`, so
 * `repair()` can reach the app without a registration.
 */
export async function registerEntry(
  ctx: RegistryContext,
  entry: AppEntry,
  before: () => Promise<unknown>,
  refused: Map<string, ResolvedAppConfig>,
): Promise<AppHandle> {
  const work = (async () => {
    await before();
    return runRegistration(ctx, entry);
  })();
  entry.work = work;
  try {
    const connection = await work;
    refused.delete(entry.name);
    return connection;
  } catch (error) {
    // A dirty ledger (found now, or left by this very failure) must be repairable without a registration.
    if (isKnexusError(error, 'KNEXUS_ERR_LEDGER_DIRTY') || (isKnexusError(error) && error.details?.['dirty'] === true))
      refused.set(entry.name, entry.config);
    throw error;
  } finally {
    entry.work = undefined;
  }
}

/**
 * Tells plugins (`onOperationFailed`, operation `registration`) and `error` listeners that the registration of
 * `appName` was refused before it started, for a bad config; `before` (the registry's initialization) runs
 * first so configured plugins hear it too. A name already taken or a registry shutting down is not the
 * app's failure and is not reported. Never throws: the caller rejects with `error` itself.
 */
export async function reportRefusedRegistration(
  ctx: RegistryContext,
  appName: unknown,
  error: unknown,
  before: () => Promise<unknown>,
): Promise<void> {
  if (typeof appName !== 'string' || isKnexusError(error, 'KNEXUS_ERR_APP_EXISTS') || isKnexusError(error, 'KNEXUS_ERR_SHUTTING_DOWN'))
    return;
  try {
    await before();
  } catch {
    // Plugins that failed to load hear nothing; those loaded still do.
  }
  if (ctx.closing()) return;
  await ctx.fail(appName, 'registration', toError(error), { during: 'registration', refused: true });
}

/**
 * Registers one app as explicit ordered steps, firing the lifecycle hooks between them in their documented order:
 * onAppRegistrationStarted → connection → onConnectionCreated → onAutoOperationsStarted →
 * migrations, seeds, models → onAutoOperationsCompleted → ready → onAppRegistered.
 * On failure it closes what it opened, reports the failing step and rethrows.
 */
export async function runRegistration(ctx: RegistryContext, entry: AppEntry): Promise<AppHandle> {
  const started = performance.now();
  const { name, view } = entry;
  let step: FailedOperation = 'registration';
  try {
    await ctx.hooks.dispatch('onAppRegistrationStarted', name, view);
    // A missing folder or a duplicate file name is bad input: report it before a connection opens.
    await readFileCatalogs(entry);

    step = 'connection';
    assertOpen(ctx, name);
    const connection = await connectApp(ctx, entry);
    assertOpen(ctx, name);
    await ctx.hooks.dispatch('onConnectionCreated', name, connection);

    await ctx.hooks.dispatch('onAutoOperationsStarted', name, connection, view);
    const autoStarted = performance.now();
    // Active plugins' own migrations and seeds first (their tables may record what follows), each in its
    // ledger namespace; a failure is reported, never thrown.
    for (const set of ctx.pluginData()) await applyPluginData(ctx, entry, set);
    step = 'migrations';
    assertOpen(ctx, name);
    const migrations = entry.config.migrations.enabled ? await entry.runner!.autoRun('migrations') : null;
    entry.migrationBatch = migrations?.batch ?? null;
    assertOpen(ctx, name);
    step = 'seeds';
    const seeds = entry.config.seeds.enabled ? await entry.runner!.autoRun('seeds') : null;
    entry.seedBatch = seeds?.batch ?? null;
    assertOpen(ctx, name);
    step = 'models';
    if (entry.config.models.enabled) connection.registerModels(entry.config.models.definitions);
    // Frozen: plugins and listeners share this object with the app-registered event.
    const result: AutoOperationsResult = Object.freeze({
      migrations,
      seeds,
      models: Object.freeze([...connection.modelNames]),
      durationMs: performance.now() - autoStarted,
    });
    await ctx.hooks.dispatch('onAutoOperationsCompleted', name, result);

    step = 'registration';
    // Never report ready with a pool that shutdown() has already closed.
    assertOpen(ctx, name);
    entry.state = 'ready';
    entry.registeredAt = new Date();
    ctx.emit('app-registered', { appName: name, target: connection.target, result, durationMs: performance.now() - started });
    await ctx.hooks.dispatch('onAppRegistered', name, connection, view);
    return connection;
  } catch (thrown) {
    // Whatever a closing pool made the work throw (knex's raw TypeError or "aborted"), the reason is the shutdown.
    const coded =
      ctx.closing() && !isKnexusError(thrown, 'KNEXUS_ERR_SHUTTING_DOWN')
        ? shuttingDown(name, thrown)
        : (poolExhausted(entry, thrown) ?? thrown);
    const error = entry.pool ? entry.pool.scrubber.scrubError(toError(coded)) : toError(coded);
    entry.state = 'failed';
    await ctx.fail(name, step, error, { during: 'registration' });
    await releaseConnection(ctx, entry);
    ctx.apps.delete(name);
    throw error;
  }
}

function shuttingDown(appName: string, cause?: unknown): KnexusError {
  return new KnexusError(
    'KNEXUS_ERR_SHUTTING_DOWN',
    `Registration of app '${appName}' was interrupted: the registry is shutting down. Files already applied stay recorded in the ledger.`,
    { appName },
    cause,
  );
}

function assertOpen(ctx: RegistryContext, appName: string): void {
  if (ctx.closing()) throw shuttingDown(appName);
}

async function readFileCatalogs(entry: AppEntry): Promise<void> {
  for (const section of ['migrations', 'seeds'] as const) {
    const settings = entry.config[section];
    if (settings.enabled) await FileCatalog.shared.read(settings.directories, { appName: entry.name, section });
  }
}

/** knex's raw KnexTimeoutError when no pooled connection became free in time, as a coded error naming the app and the pool. */
function poolExhausted(entry: AppEntry, thrown: unknown): KnexusError | undefined {
  const timeout = [thrown, (thrown as { cause?: unknown } | null)?.cause].find(
    (error) => (error as { name?: unknown } | null)?.name === 'KnexTimeoutError',
  );
  if (timeout === undefined || isKnexusError(thrown, 'KNEXUS_ERR_POOL_EXHAUSTED')) return undefined;
  const pool = entry.pool;
  const owner = pool?.owner ?? entry.name;
  const max = (pool?.knex.client as { pool?: { max?: number } } | undefined)?.pool?.max;
  const shared = owner === entry.name ? '' : ` (shared with '${owner}')`;
  return new KnexusError(
    'KNEXUS_ERR_POOL_EXHAUSTED',
    `App '${entry.name}' got no free connection from its pool${shared} within acquireConnectionTimeout: all ${max ?? '?'} connections are busy. ` +
      `Raise database.pool.max${owner === entry.name ? '' : ` of '${owner}'`} or finish the work that holds them.`,
    { appName: entry.name, details: { owner, max } },
    timeout,
  );
}
