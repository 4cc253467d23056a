import type { Knex } from 'knex';
import { AppHandle } from '../connection/app-handle.js';
import { collectSecrets, describeTarget } from '../connection/connection-target.js';
import { closePool } from '../connection/close-pool.js';
import { createKnex } from '../connection/create-knex.js';
import { dialectOf } from '../dialects/dialect-of.js';
import { SecretScrubber } from '../connection/secret-scrubber.js';
import { SharedPool } from '../connection/shared-pool.js';
import { KnexusError, isKnexusError, toError } from '../errors.js';
import { openSqlite } from '../migrations/locks/sqlite-busy.js';
import type { AppEntry } from './app-entry.js';
import { appNotFound } from './app-not-found.js';
import { AppRunner } from './app-runner.js';
import { withConnectRetry } from './connect-retry.js';
import type { RegistryContext } from './registry-context.js';

/**
 * The pool of `owner` for app `name` to share (`useConnection`): the owner must be registered, ready and
 * reusable, or KNEXUS_ERR_USE_CONNECTION (never a silent new connection).
 */
export function sharedPoolOf(apps: ReadonlyMap<string, AppEntry>, name: string, owner: string): SharedPool {
  const entry = apps.get(owner);
  if (entry?.state !== 'ready' || !entry.pool || !entry.config.reusable) {
    throw useConnectionError(name, owner, entry === undefined ? 'is not registered' : 'is not ready or not reusable');
  }
  return entry.pool;
}

/**
 * Opens the app's connection, or shares its owner's pool (`useConnection`), then builds its handle and
 * its runner. Emits `connection-created` or `connection-reused`.
 */
export async function connectApp(ctx: RegistryContext, entry: AppEntry): Promise<AppHandle> {
  const { name, config } = entry;
  let knex: Knex;
  // Behind a transaction pooler, migrations and seeds run on the server itself (the pool's `direct`).
  let runnerKnex: Knex | undefined;
  if (config.useConnection !== undefined) {
    const pool = sharedPoolOf(ctx.apps, name, config.useConnection);
    entry.pool = pool;
    if (config.schema === undefined) {
      knex = pool.knex;
      pool.retain(name);
      runnerKnex = pool.direct?.knex;
      pool.direct?.retain(name);
    } else {
      const dialect = dialectOf(pool.target.client, pool.target.pooler);
      // The schema is created through the owner's own knex: CREATE SCHEMA/DATABASE does not depend on the session's schema.
      await dialect.ensureSchema(pool.knex, config.schema);
      knex = pool.retainTenant(name, dialect.route(config.schema, config.searchPath), config.schema);
      const direct = pool.direct;
      if (direct !== undefined)
        runnerKnex = direct.retainTenant(name, dialectOf(direct.target.client).route(config.schema, config.searchPath), config.schema);
    }
    ctx.emit('connection-reused', { appName: name, owner: pool.owner, references: pool.references });
  } else {
    const database = config.database!;
    const target = entry.view.target;
    const scrubber = new SecretScrubber(collectSecrets(database.connection, database.directConnection));
    const placement = { schema: config.schema, searchPath: config.searchPath, idleTimeout: ctx.settings.idleTimeout };
    knex = createKnex(database, scrubber, placement);
    const dialect = dialectOf(database.client, database.pooler);
    const direct = openDirectPool(ctx, name, config, scrubber);
    runnerKnex = direct?.knex;
    entry.pool = new SharedPool(name, knex, target, scrubber, {
      reusable: config.reusable,
      ownerRoute: config.reusable ? dialect.ownerRoute(config, target.database) : undefined,
      migrationConcurrency: ctx.settings.migrationConcurrency,
      direct,
    });
    try {
      await withConnectRetry(
        async () => {
          if (dialect.fileDatabase) await openSqlite(knex, name, config.migrations.lockTimeout, () => ctx.closing());
          else await dialect.probe(knex, config);
        },
        ctx.settings.connectRetry,
        () => ctx.closing(),
      );
      // Only apps that route between schemas are at risk (a reusable owner may get tenants).
      if ((config.schema !== undefined || config.reusable) && (await dialect.detectTransactionPooler?.(knex)) === true)
        throw transactionPoolerError(name);
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
  const site = { name, config, pool: entry.pool.direct ?? entry.pool, target: entry.view.target, knex: runnerKnex ?? knex };
  const runner: AppRunner = new AppRunner(ctx, site, (): AppHandle => connection);
  const connection: AppHandle = new AppHandle(name, entry.pool, { knex, target: entry.view.target }, health, runner);
  entry.runner = runner;
  entry.connection = connection;
  return connection;
}

/**
 * Drops this app's reference on its pool; when it was the last one, tells plugins
 * (`onConnectionShutdown`) and closes the pool within `shutdownTimeout`.
 * Resolves `{ forced }` when a pool had to be destroyed by force.
 */
export async function releaseConnection(
  ctx: RegistryContext,
  entry: AppEntry,
  timeout = ctx.settings.shutdownTimeout,
): Promise<{ forced: boolean }> {
  const pool = entry.pool;
  if (!pool) return { forced: false };
  entry.pool = undefined;
  // Handles kept after this reject with APP_NOT_FOUND instead of reaching the pool.
  if (!pool.release(entry.name, appNotFound)) return { forced: false };
  if (entry.connection) {
    await ctx.hooks.dispatch(
      'onConnectionShutdown',
      entry.name,
      entry.connection,
      Object.freeze({ shared: pool.everShared, lastReference: true, timeout }),
    );
  }
  const [own, direct] = await Promise.all([
    closePool(pool.knex, timeout),
    pool.direct === undefined ? undefined : closePool(pool.direct.knex, timeout),
  ]);
  const forced = own.forced || direct?.forced === true;
  ctx.emit('connection-closed', { appName: entry.name, owner: pool.owner, forced });
  return { forced };
}

/**
 * The pool on the server itself for an app behind a pooler (`database.directConnection`): small, lazy
 * and idle-released, used only by migrations and seeds, whose session advisory locks need a session that
 * stays theirs (a transaction pooler keeps none; a small session pool would be held by lock waiters).
 * Undefined for every other app.
 */
function openDirectPool(ctx: RegistryContext, name: string, config: AppEntry['config'], scrubber: SecretScrubber): SharedPool | undefined {
  const database = config.database!;
  if (database.directConnection === undefined) return undefined;
  const { client, directConnection } = database;
  // One session per concurrent migration run, plus one for everything else.
  const max = Math.max(2, ctx.settings.migrationConcurrency + 1);
  const knex = createKnex({ client, connection: directConnection, pool: { max } }, scrubber, {
    schema: config.schema,
    searchPath: config.searchPath,
    idleTimeout: ctx.settings.idleTimeout,
  });
  const target = Object.freeze(describeTarget(client, directConnection, config.schema));
  return new SharedPool(name, knex, target, scrubber, {
    reusable: config.reusable,
    ownerRoute: dialectOf(client).ownerRoute(config, target.database),
    migrationConcurrency: ctx.settings.migrationConcurrency,
  });
}

/** Session routing found a transaction pooler in front of the server: apps would cross silently, so registration refuses. */
function transactionPoolerError(appName: string): KnexusError {
  return new KnexusError(
    'KNEXUS_ERR_TRANSACTION_POOLER',
    `App '${appName}' reaches PostgreSQL through a transaction pooler (its connection keeps no server session between statements), ` +
      `where switching sessions between schemas would let apps read each other's data. Declare it with database.pooler: 'transaction' ` +
      `and give database.directConnection for migrations, or connect to the server (or a session pool) directly`,
    { appName, field: 'database.pooler' },
  );
}

/** The coded error for a `useConnection` that cannot be honoured (never a silent new connection). */
export function useConnectionError(appName: string, owner: string, why: string): KnexusError {
  return new KnexusError(
    'KNEXUS_ERR_USE_CONNECTION',
    `App '${appName}' cannot use the connection of '${owner}': '${owner}' ${why}. Register '${owner}' first with reusable: true`,
    { appName, field: 'useConnection' },
  );
}
