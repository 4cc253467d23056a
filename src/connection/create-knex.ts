import knexFactory, { type Knex } from 'knex';
import type { ResolvedAppConfig } from './app-config.js';
import { safeCopy } from '../util/safe-copy.js';
import { SchemaRouter } from './schema-router.js';
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

type AfterCreate = (connection: unknown, done: (error: Error | null, connection: unknown) => void) => void;

/** Opens a knex instance for an app's database; the driver module is loaded only now, by knex. */
export function createKnex(database: NonNullable<ResolvedAppConfig['database']>, scrubber: SecretScrubber, options: CreateKnexOptions): Knex {
  const { client, connection, pool, ...rest } = database as typeof database & Record<string, unknown>;
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
  if (client === 'better-sqlite3') {
    config.useNullAsDefault = true;
    if (pool !== undefined) config.pool = { ...(pool as Knex.PoolConfig) };
  } else {
    // Lazy and idle-released: a registered app that is not in use holds no server connection.
    const lazy: Knex.PoolConfig = { min: 0 };
    if (idleTimeout > 0) Object.assign(lazy, { idleTimeoutMillis: idleTimeout, reapIntervalMillis: Math.min(1000, idleTimeout) });
    else lazy.idleTimeoutMillis = Number.MAX_SAFE_INTEGER;
    config.pool = { ...lazy, ...(pool as Knex.PoolConfig | undefined) };
  }
  if (schema !== undefined && client === 'pg') config.searchPath = [schema, ...searchPath];
  if (schema !== undefined && client === 'mysql2') config.pool = { ...config.pool, afterCreate: useDatabase(schema, config.pool?.afterCreate as AfterCreate | undefined) };
  return makeKnexMethodsWritable(knexFactory(config));
}

/** A MySQL pool hook putting every new connection on the app's database, created first if missing. */
function useDatabase(schema: string, then: AfterCreate | undefined): AfterCreate {
  const run = (connection: unknown, sql: string) =>
    new Promise<void>((resolve, reject) => {
      (connection as { query(sql: string, cb: (error: Error | null) => void): void }).query(sql, (error) => (error ? reject(error) : resolve()));
    });
  return (connection, done) => {
    run(connection, `create database if not exists \`${schema}\``)
      .then(() => run(connection, SchemaRouter.route('mysql2', schema)))
      .then(
        () => (then ? then(connection, done) : done(null, connection)),
        (error: Error) => done(error, connection),
      );
  };
}
