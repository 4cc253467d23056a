import type { SharedPool } from '../connection/shared-pool.js';
import { dialectOf } from '../dialects/dialect-of.js';
import { KnexusError } from '../errors.js';
import { hasScripts } from '../migrations/migrations-config.js';
import type { ResolvedAppConfig } from '../connection/app-config.js';
import type { AppEntry } from './app-entry.js';
import { useConnectionError } from './app-connection.js';
import type { UnregisterOptions } from '../plugins/lifecycle-types.js';

/** Refuses, before anything changes, an owner leaving its tenants without a pool and a dropSchema without a schema. */
export function assertCanLeave(entry: AppEntry, options: UnregisterOptions): void {
  const { name, pool } = entry;
  if (pool !== undefined && pool.owner === name && pool.tenants.length > 0) {
    const tenants = pool.tenants;
    throw new KnexusError(
      'KNEXUS_ERR_POOL_IN_USE',
      `App '${name}' owns the pool that ${tenants.length} app(s) with their own schema still use (${tenants.slice(0, 5).join(', ')}${tenants.length > 5 ? ', …' : ''}). Unregister them first.`,
      { appName: name, details: { tenants: tenants.length, first: tenants.slice(0, 10) } },
    );
  }
  if (options.dropSchema && entry.config.schema === undefined) {
    throw new KnexusError(
      'KNEXUS_ERR_INVALID_CONFIG',
      `App '${name}' has no schema to drop: dropSchema needs an app registered with schema`,
      {
        appName: name,
        field: 'dropSchema',
      },
    );
  }
}

/** An app with its own schema on a shared pool needs a pool that can switch schemas, and PostgreSQL for `searchPath`. */
export function assertTenantFits(name: string, config: ResolvedAppConfig, pool: SharedPool): void {
  const dialect = dialectOf(pool.target.client);
  const invalid = (field: string, message: string) =>
    new KnexusError('KNEXUS_ERR_INVALID_CONFIG', `Invalid config for app '${name}': ${message}`, { appName: name, field });
  if (!dialect.schemas)
    throw invalid('schema', `'schema' is only supported on PostgreSQL and MySQL/MariaDB, and '${pool.owner}' uses ${dialect.label}`);
  if (!dialect.searchPath && config.searchPath.length > 0) throw invalid('searchPath', `'searchPath' is only supported on PostgreSQL`);
  if (config.schema !== undefined && dialect.isSystemSchema(config.schema))
    throw invalid('schema', `'schema' ${systemSchemaReason(config.schema)}`);
  if (!pool.routable) {
    throw useConnectionError(
      name,
      pool.owner,
      'names no default database to switch its connections back to (set database.connection.database)',
    );
  }
}

/**
 * An app sharing a pool behind a transaction pooler runs its migrations and seeds on the owner's
 * `directConnection`; without one they could only run through the pooler, where session locks fail.
 */
export function assertDirectForScripts(name: string, config: ResolvedAppConfig, pool: SharedPool): void {
  if (pool.target.pooler !== 'transaction' || pool.direct !== undefined) return;
  if (!hasScripts(config.migrations) && !hasScripts(config.seeds)) return;
  throw new KnexusError(
    'KNEXUS_ERR_INVALID_CONFIG',
    `Invalid config for app '${name}': it has migrations or seeds, and '${pool.owner}' reaches PostgreSQL through a transaction pooler without database.directConnection, where they would run`,
    { appName: name, field: 'database.directConnection' },
  );
}

/** Why a system schema is refused: its tables are the server's catalog, and dropSchema would drop them. */
export function systemSchemaReason(schema: string): string {
  return `'${schema}' is a system schema of the database server (its catalog); give the app a schema of its own`;
}
