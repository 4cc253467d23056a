import type { Knex } from 'knex';
import { ConnectionManager } from '../connection/connection-manager.js';
import { collectSecrets } from '../connection/connection-target.js';
import { closePool } from '../connection/close-pool.js';
import { createKnex } from '../connection/create-knex.js';
import { dialectOf } from '../dialects/dialect-of.js';
import { SecretScrubber } from '../connection/secret-scrubber.js';
import { SharedPool } from '../connection/shared-pool.js';
import { KnexusError, isKnexusError, toError } from '../errors.js';
import { openSqlite } from '../migrations/sqlite-busy.js';
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
export async function connectApp(ctx: RegistryContext, entry: AppEntry): Promise<ConnectionManager> {
  const { name, config } = entry;
  let knex: Knex;
  if (config.useConnection !== undefined) {
    const pool = sharedPoolOf(ctx.apps, name, config.useConnection);
    entry.pool = pool;
    if (config.schema === undefined) {
      knex = pool.knex;
      pool.retain(name);
    } else {
      const dialect = dialectOf(pool.target.client);
      // The schema is created through the owner's own knex: CREATE SCHEMA/DATABASE does not depend on the session's schema.
      await dialect.ensureSchema(pool.knex, config.schema);
      knex = pool.retainTenant(name, dialect.route(config.schema, config.searchPath), config.schema);
    }
    ctx.emit('connection-reused', { appName: name, owner: pool.owner, references: pool.references });
  } else {
    const database = config.database!;
    const target = entry.view.target;
    const scrubber = new SecretScrubber(collectSecrets(database.connection));
    knex = createKnex(database, scrubber, { schema: config.schema, searchPath: config.searchPath, idleTimeout: ctx.settings.idleTimeout });
    entry.pool = new SharedPool(name, knex, target, scrubber, {
      reusable: config.reusable,
      ownerRoute: config.reusable ? dialectOf(database.client).ownerRoute(config, target.database) : undefined,
      migrationConcurrency: ctx.settings.migrationConcurrency,
    });
    try {
      await withConnectRetry(
        async () => {
          const dialect = dialectOf(database.client);
          if (dialect.fileDatabase) await openSqlite(knex, name, config.migrations.lockTimeout, () => ctx.closing());
          else await dialect.probe(knex, config);
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
  const site = { name, config, pool: entry.pool, target: entry.view.target, knex };
  const runner: AppRunner = new AppRunner(ctx, site, (): ConnectionManager => connection);
  const connection: ConnectionManager = new ConnectionManager(name, entry.pool, { knex, target: entry.view.target }, health, runner);
  entry.runner = runner;
  entry.connection = connection;
  return connection;
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
