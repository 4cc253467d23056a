import { resolve } from 'node:path';
import { CLIENT_ALIASES, CLIENTS, type ClientName } from '../../clients.js';
import type { ResolvedAppConfig } from '../../connection/app-config.js';
import { POOLER_MODES, dialectOf, supportsPooler } from '../../dialects/dialect-of.js';
import { KnexusError } from '../../errors.js';
import { isPlainObject } from '../../util/safe-copy.js';
import { sqliteFilePath } from '../../util/sqlite-file-path.js';
import { type Fail, rejectUnknownKeys } from './config-checks.js';
import { validatePool } from './validate-pool.js';

const DATABASE_KEYS = [
  'client',
  'connection',
  'pool',
  'useNullAsDefault',
  'acquireConnectionTimeout',
  'pooler',
  'directConnection',
] as const;

/**
 * An app's `database` validated (client, connection, pool, pooler) with its client name resolved from
 * aliases and a SQLite file placed against `baseDir`; a wrong field throws through `fail`.
 */
export function resolveDatabaseConfig(
  db: unknown,
  appName: string,
  baseDir: string,
  fail: Fail,
): NonNullable<ResolvedAppConfig['database']> {
  if (!isPlainObject(db)) fail('database', 'must be an object with client and connection');
  rejectUnknownKeys(db as Record<string, unknown>, DATABASE_KEYS, 'database.', fail);
  const { client: rawClient, connection, pool } = db as Record<string, unknown>;
  const client = typeof rawClient === 'string' ? CLIENT_ALIASES[rawClient] : undefined;
  if (client === undefined) {
    throw new KnexusError(
      'KNEXUS_ERR_UNKNOWN_CLIENT',
      `Unknown database client ${JSON.stringify(String(rawClient))} for app '${appName}': use one of ${CLIENTS.join(', ')}`,
      { appName, field: 'database.client' },
    );
  }
  if (typeof connection === 'string') {
    if (connection.length === 0) fail('database.connection', 'must not be empty');
    assertConnectionUrl(connection, 'database.connection', fail);
  } else if (!isPlainObject(connection)) {
    fail('database.connection', 'must be a connection object or a connection string');
  } else if (dialectOf(client).fileDatabase && typeof connection['filename'] !== 'string') {
    fail('database.connection.filename', "must be a file path or ':memory:'");
  } else if (typeof connection['connectionString'] === 'string') {
    assertConnectionUrl(connection['connectionString'], 'database.connection.connectionString', fail);
  }
  if (pool !== undefined && !isPlainObject(pool)) fail('database.pool', 'must be an object of knex pool settings');
  assertPooler(db as Record<string, unknown>, client, fail);
  const poolSettings = validatePool(db as Record<string, unknown>, appName, client);
  return {
    ...(db as Record<string, unknown>),
    client,
    connection: resolveSqliteFile(client, connection, baseDir),
    ...(poolSettings === undefined ? {} : { pool: poolSettings }),
  } as never;
}

/**
 * A connection string written as a URL (`postgres://user:password@host:port/db`) must parse as one; otherwise
 * the driver fails at connect with an error far from the config. The message never repeats the string: it
 * may hold a password.
 */
function assertConnectionUrl(value: string, field: string, fail: Fail): void {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(value);
  if (scheme === null) return;
  // `user:password@/db?host=/socket` has no host, which the URL parser refuses and the pg driver allows.
  const parses = (text: string): boolean => {
    try {
      new URL(text);
      return true;
    } catch {
      return false;
    }
  };
  if (!parses(value) && !parses(value.replace('@/', '@socket/'))) {
    fail(
      field,
      `is not a valid connection URL (expected ${scheme[1]}://user:password@host:port/database; characters such as @ : / # in the password must be %-encoded)`,
    );
  }
}

/** `database.pooler` and `database.directConnection`: a known mode, PostgreSQL only, and a direct connection only beside a transaction pooler. */
function assertPooler(db: Record<string, unknown>, client: ClientName, fail: Fail): void {
  const { pooler, directConnection } = db;
  if (pooler !== undefined) {
    if (!(POOLER_MODES as readonly unknown[]).includes(pooler))
      fail('database.pooler', `must be one of ${POOLER_MODES.map((m) => `'${m}'`).join(', ')}`);
    if (!supportsPooler(client)) fail('database.pooler', `is only supported on PostgreSQL (pg), not ${client}`);
  }
  if (directConnection === undefined) return;
  if (pooler === undefined) fail('database.directConnection', "is only used with a pooler (pooler: 'transaction' or 'session')");
  if (typeof directConnection === 'string') {
    if (directConnection.length === 0) fail('database.directConnection', 'must not be empty');
  } else if (!isPlainObject(directConnection)) {
    fail('database.directConnection', 'must be a connection object or a connection string');
  }
}

/** SQLite file names are resolved against the config's folder too, so a relative file is not cwd-dependent. */
function resolveSqliteFile(client: ClientName, connection: unknown, baseDir: string): unknown {
  if (!dialectOf(client).fileDatabase) return connection;
  const place = (f: string) => (sqliteFilePath(f) === undefined ? f : resolve(baseDir, f));
  if (typeof connection === 'string') return { filename: place(connection) };
  const obj = connection as Record<string, unknown>;
  return { ...obj, filename: place(obj['filename'] as string) };
}
