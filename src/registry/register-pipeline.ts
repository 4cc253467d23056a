import type { Knex } from 'knex';
import { ConnectionManager } from '../connection/connection-manager.js';
import { describeTarget, collectSecrets } from '../connection/connection-target.js';
import { closePool } from '../connection/close-pool.js';
import { createKnex } from '../connection/create-knex.js';
import { ensureSchema } from '../connection/schema-admin.js';
import { SchemaRouter } from '../connection/schema-router.js';
import { SecretScrubber } from '../connection/secret-scrubber.js';
import { SharedPool } from '../connection/shared-pool.js';
import { KnexusError, isKnexusError, toError } from '../errors.js';
import { FileCatalog } from '../migrations/file-catalog.js';
import { openSqlite } from '../migrations/sqlite-busy.js';
import { withConnectRetry } from './connect-retry.js';
import type { RunResult } from '../migrations/ledger-types.js';
import type { AppEntry } from './app-entry.js';
import { applyPluginData } from './plugin-data.js';
import type { RegistryContext } from './registry-context.js';
import type { AutoOperationsResult, FailedOperation } from '../plugins/lifecycle-types.js';

/**
 * Registers one app as explicit ordered steps, firing hooks between them in the spec's order:
 * onAppRegistrationStarted → connection → onConnectionCreated → onAutoOperationsStarted →
 * migrations, seeds, models → onAutoOperationsCompleted → ready → onAppRegistered.
 * On failure it closes what it opened, reports the failing step and rethrows.
 */
export async function runRegistration(ctx: RegistryContext, entry: AppEntry): Promise<ConnectionManager> {
  const started = performance.now();
  const { name, view } = entry;
  let step: FailedOperation = 'registration';
  try {
    await ctx.hooks.dispatch('onAppRegistrationStarted', name, view);
    // A missing folder or a duplicate file name is bad input: report it before a connection opens.
    await readFileCatalogs(entry);

    step = 'connection';
    assertOpen(ctx, name);
    const connection = await connect(ctx, entry);
    assertOpen(ctx, name);
    await ctx.hooks.dispatch('onConnectionCreated', name, connection);

    await ctx.hooks.dispatch('onAutoOperationsStarted', name, connection, view);
    const autoStarted = performance.now();
    // Active plugins' own migrations and seeds first (their tables may record what follows), each in its
    // ledger namespace; a failure is reported, never thrown.
    for (const set of ctx.pluginData()) await applyPluginData(ctx, entry, set);
    step = 'migrations';
    assertOpen(ctx, name);
    const migrations = entry.config.migrations.enabled ? await autoRun(ctx, name, 'migration', () => connection.migrationRunner.latest()) : null;
    entry.migrationBatch = migrations?.batch ?? null;
    assertOpen(ctx, name);
    step = 'seeds';
    const seeds = entry.config.seeds.enabled ? await autoRun(ctx, name, 'seed', () => connection.seedRunner.run()) : null;
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
    const coded = ctx.closing() && !isKnexusError(thrown, 'KNEXUS_ERR_SHUTTING_DOWN') ? shuttingDown(name, thrown) : (poolExhausted(entry, thrown) ?? thrown);
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

async function connect(ctx: RegistryContext, entry: AppEntry): Promise<ConnectionManager> {
  const { name, config } = entry;
  let knex: Knex;
  if (config.useConnection !== undefined) {
    const owner = ctx.apps.get(config.useConnection);
    if (owner?.state !== 'ready' || !owner.pool || !owner.config.reusable) {
      throw useConnectionError(name, config.useConnection, owner === undefined ? 'is not registered' : 'is not ready or not reusable');
    }
    const pool = owner.pool;
    entry.pool = pool;
    if (config.schema === undefined) {
      knex = pool.knex;
      pool.retain(name);
    } else {
      // The schema is created through the owner's own knex: CREATE SCHEMA/DATABASE does not depend on the session's schema.
      await ensureSchema(pool.knex, pool.target.client, config.schema);
      knex = pool.retainTenant(name, SchemaRouter.route(pool.target.client, config.schema, config.searchPath), config.schema);
    }
    ctx.emit('connection-reused', { appName: name, owner: pool.owner, references: pool.references });
  } else {
    const database = config.database!;
    // Frozen: every hook and status reader sees this one object through connection.target.
    const target = Object.freeze(describeTarget(database.client, database.connection, config.schema));
    const scrubber = new SecretScrubber(collectSecrets(database.connection));
    knex = createKnex(database, scrubber, { schema: config.schema, searchPath: config.searchPath, idleTimeout: ctx.settings.idleTimeout });
    entry.pool = new SharedPool(name, knex, target, scrubber, {
      reusable: config.reusable,
      ownerRoute: config.reusable ? SchemaRouter.ownerRoute(database.client, config.schema, config.searchPath, target.database) : undefined,
      migrationConcurrency: ctx.settings.migrationConcurrency,
    });
    try {
      await withConnectRetry(
        async () => {
          if (config.schema !== undefined && database.client === 'pg') await ensureSchema(knex, database.client, config.schema);
          else if (database.client === 'better-sqlite3') await openSqlite(knex, name, config.migrations.lockTimeout, () => ctx.closing());
          else await knex.raw('select 1');
        },
        ctx.settings.connectRetry,
        () => ctx.closing(),
      );
    } catch (error) {
      if (isKnexusError(error)) throw error;
      throw new KnexusError(
        'KNEXUS_ERR_CONNECTION_FAILED',
        `App '${name}' could not connect to its ${database.client} database: ${scrubber.scrub(toError(error).message)}`,
        { appName: name, client: database.client },
        scrubber.scrubError(error),
      );
    }
    ctx.emit('connection-created', { appName: name, target });
  }
  const health = { timeout: ctx.settings.healthCheckTimeout, degradedLatency: ctx.settings.degradedLatency };
  entry.connection = new ConnectionManager(name, entry.pool, { knex, target: entry.view.target }, config, health, ctx);
  return entry.connection;
}

const AUTO_EVENTS = {
  migration: ['auto-migration-started', 'auto-migration-completed'],
  seed: ['auto-seed-started', 'auto-seed-completed'],
} as const;

/** Runs migrations or seeds between their started/completed events, warning about tolerated drift. */
async function autoRun(ctx: RegistryContext, appName: string, kind: keyof typeof AUTO_EVENTS, run: () => Promise<RunResult>): Promise<RunResult> {
  const [started, completed] = AUTO_EVENTS[kind];
  ctx.emit(started, { appName });
  const result = await run();
  warnDrift(ctx, appName, kind, result);
  ctx.emit(completed, { appName, result });
  return result;
}

function warnDrift(ctx: RegistryContext, appName: string, kind: string, result: RunResult): void {
  if (result.drifted.length === 0) return;
  ctx.emit('warning', {
    appName,
    code: 'KNEXUS_ERR_CHECKSUM_DRIFT',
    message: `App '${appName}': ${result.drifted.length} applied ${kind} file(s) changed since they ran: ${result.drifted.map((d) => d.name).join(', ')}`,
    details: { drifted: result.drifted },
  });
}

/**
 * Drops this app's reference on its pool; when it was the last one, tells plugins
 * (`onConnectionShutdown`) and closes the pool within `shutdownTimeout`.
 * Resolves `{ forced }` when a pool had to be destroyed by force.
 */
export async function releaseConnection(ctx: RegistryContext, entry: AppEntry, timeout = ctx.settings.shutdownTimeout): Promise<{ forced: boolean }> {
  const pool = entry.pool;
  if (!pool) return { forced: false };
  entry.pool = undefined;
  if (!pool.release(entry.name)) return { forced: false };
  if (entry.connection) {
    await ctx.hooks.dispatch(
      'onConnectionShutdown',
      entry.name,
      entry.connection,
      Object.freeze({ shared: pool.everShared, lastReference: true, timeout }),
    );
  }
  const { forced } = await closePool(pool.knex, timeout);
  ctx.emit('connection-closed', { appName: entry.name, owner: pool.owner, forced });
  return { forced };
}

/** The coded error for a `useConnection` that cannot be honoured (never a silent new connection). */
export function useConnectionError(appName: string, owner: string, why: string): KnexusError {
  return new KnexusError(
    'KNEXUS_ERR_USE_CONNECTION',
    `App '${appName}' cannot use the connection of '${owner}': '${owner}' ${why}. Register '${owner}' first with reusable: true`,
    { appName, field: 'useConnection' },
  );
}
