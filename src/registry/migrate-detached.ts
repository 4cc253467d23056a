import type { AppConfig } from '../connection/app-config.js';
import type { SharedPool } from '../connection/shared-pool.js';
import { dialectOf } from '../dialects/dialect-of.js';
import { KnexusError } from '../errors.js';
import type { RunResult } from '../migrations/ledger-types.js';
import { sharedPoolOf } from './app-connection.js';
import { appNotFound } from './app-not-found.js';
import { AppRunner } from './app-runner.js';
import type { RegistryContext } from './registry-context.js';
import { resolveAppConfig } from './app-config/resolve-app-config.js';
import { assertDirectForScripts, assertTenantFits } from './tenant-rules.js';

/** Options of one detached run. */
export interface DetachedMigrateOptions {
  /** Apply pending files up to and including this one; default all. */
  readonly to?: string | undefined;
  /** The schema is known to exist (a fleet check read its ledger): it is not looked up first. */
  readonly schemaExists?: boolean | undefined;
}

/**
 * Applies the pending migrations of `name` (a config sharing its owner's pool with a schema of its own)
 * without registering it, for a fleet job: the config is validated as a registration validates it, the
 * files run through the app runner on a route borrowed from the owner's pool, and nothing stays
 * attached. Listeners and plugins hear the run as a manual one (`migrations-started`/`-completed`, a
 * failure as `error` and `onOperationFailed`), not as a registration followed by an unregistration.
 */
export async function migrateDetached(
  ctx: RegistryContext,
  baseDir: string,
  name: string,
  config: AppConfig,
  options: DetachedMigrateOptions,
): Promise<RunResult> {
  if (ctx.closing()) {
    throw new KnexusError('KNEXUS_ERR_SHUTTING_DOWN', `Cannot migrate app '${name}': the registry is shutting down`, { appName: name });
  }
  const resolved = resolveAppConfig(name, config, baseDir);
  const { useConnection, schema } = resolved;
  if (useConnection === undefined || schema === undefined) {
    throw new KnexusError('KNEXUS_ERR_INVALID_CONFIG', `App '${name}' must share a pool with a schema of its own to migrate unattached`, {
      appName: name,
      field: useConnection === undefined ? 'useConnection' : 'schema',
    });
  }
  const pool = sharedPoolOf(ctx.apps, name, useConnection);
  assertDirectForScripts(name, resolved, pool);
  assertTenantFits(name, resolved, pool);
  if (options.schemaExists !== true) await dialectOf(pool.target.client, pool.target.pooler).ensureSchema(pool.knex, schema);
  const borrow = (on: SharedPool) =>
    on.borrowTenant(name, dialectOf(on.target.client, on.target.pooler).route(schema, resolved.searchPath), schema);
  // Behind a transaction pooler the files run on the server itself; the pooled route only keeps the owner from leaving.
  const routes = pool.direct === undefined ? [borrow(pool)] : [borrow(pool), borrow(pool.direct)];
  try {
    const site = {
      name,
      config: resolved,
      pool: pool.direct ?? pool,
      target: Object.freeze({ ...pool.target, schema }),
      knex: routes.at(-1)!.knex,
    };
    // A detached run has no handle: only rollbacks hand one to their hooks, and this runner never rolls back.
    const runner = new AppRunner(ctx, site, () => {
      throw appNotFound(name);
    });
    return await runner.runMigrations(options.to === undefined ? {} : { to: options.to });
  } finally {
    for (const route of routes) route.release(() => appNotFound(name));
  }
}
