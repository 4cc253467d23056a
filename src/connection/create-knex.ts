import knexFactory, { type Knex } from 'knex';
import type { ResolvedAppConfig } from './app-config.js';
import { safeCopy } from '../util/safe-copy.js';
import { dialectOf } from '../dialects/dialect-of.js';
import type { SecretScrubber } from './secret-scrubber.js';
import { makeKnexMethodsWritable } from './writable-knex-methods.js';

/** What shapes a registry-created pool beside the app's own `database` settings. */
export interface CreateKnexOptions {
  /** The app's schema (PostgreSQL) or database (MySQL/MariaDB), if it has one. */
  readonly schema: string | undefined;
  /** PostgreSQL schemas searched after `schema`. */
  readonly searchPath: readonly string[];
  /** ms after which an idle pooled connection is closed (tarn's `idleTimeoutMillis`); 0 keeps them. */
  readonly idleTimeout: number;
}

/** Opens a knex instance for an app's database; the driver module is loaded only now, by knex. */
export function createKnex(
  database: NonNullable<ResolvedAppConfig['database']>,
  scrubber: SecretScrubber,
  options: CreateKnexOptions,
): Knex {
  const {
    client,
    connection,
    pool,
    pooler: _pooler,
    directConnection: _direct,
    ...rest
  } = database as typeof database & Record<string, unknown>;
  const { schema, searchPath, idleTimeout } = options;
  const config: Knex.Config = {
    ...(rest as Knex.Config),
    client,
    // Our own copy: knex keeps a reference, and the caller's object must never be mutated.
    connection: safeCopy(connection) as Knex.StaticConnectionConfig,
  };
  // knex logs connection errors itself, message and all; we report those as coded errors, so they
  // are dropped, and its other warnings are masked before they reach the console.
  const warn = (message: unknown) => {
    const text = String(message);
    if (!text.startsWith('Acquire connection error')) console.warn(scrubber.scrub(text));
  };
  config.log = { warn, deprecate: warn, error: () => undefined, debug: () => undefined };
  if (pool !== undefined) config.pool = { ...(pool as Knex.PoolConfig) };
  const dialect = dialectOf(client, database.pooler);
  dialect.configureKnex(config, { schema, searchPath }, idleTimeout);
  const knex = makeKnexMethodsWritable(knexFactory(config));
  // Behind a transaction pooler the app's schema is set inside each transaction, never on a session.
  if (dialect.routing === 'transaction')
    dialect.scopeStatements?.(knex, schema === undefined ? undefined : dialect.route(schema, searchPath));
  return knex;
}
