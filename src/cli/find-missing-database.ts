import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import type { Knex } from 'knex';
import { collectSecrets } from '../connection/connection-target.js';
import { createKnex } from '../connection/create-knex.js';
import { SecretScrubber } from '../connection/secret-scrubber.js';
import type { ConfiguredApp } from '../config/validate-config.js';
import { KnexusError, toError } from '../errors.js';
import { sqliteFilePath } from '../util/sqlite-file-path.js';
import { dialectOf } from '../dialects/dialect-of.js';

/**
 * Why an app's database is not there yet, or undefined when it is. Registering an app creates what
 * is missing (SQLite makes its file, PostgreSQL apps get `create schema`), so read-only commands
 * ask here first: a SQLite file is looked for on disk, a PostgreSQL schema in
 * `information_schema.schemata` through a short-lived connection. An app sharing another app's pool
 * with a schema of its own is looked up through `shared`, the owner's knex; other apps sharing a
 * connection, and other clients, are never missing. Throws KNEXUS_ERR_CONNECTION_FAILED when the
 * PostgreSQL check cannot connect; its message holds no secret.
 */
export async function findMissingDatabase(app: ConfiguredApp, cwd = process.cwd(), shared?: Knex): Promise<string | undefined> {
  const { database, schema } = app.resolved;
  if (database === undefined) {
    if (schema === undefined || shared === undefined) return undefined;
    return (await hasSchema(shared, schema)) ? undefined : `schema not found: ${schema}`;
  }
  const dialect = dialectOf(database.client);
  if (dialect.fileDatabase) {
    // In-memory databases, and `file:` URIs left as they are, have no file to look for.
    const filename = sqliteFilePath((database.connection as { filename?: unknown }).filename);
    if (filename === undefined || existsSync(filename)) return undefined;
    const shown = relative(cwd, filename);
    return `file not found: ${shown === '' || shown.startsWith('..') ? filename : shown}`;
  }
  if (!dialect.schemas || dialect.schemaCreatedOnConnect || schema === undefined) return undefined;
  return (await schemaExists(app, database, schema)) ? undefined : `schema not found: ${schema}`;
}

async function schemaExists(
  app: ConfiguredApp,
  database: NonNullable<ConfiguredApp['resolved']['database']>,
  schema: string,
): Promise<boolean> {
  const scrubber = new SecretScrubber(collectSecrets(database.connection));
  // One connection, no search path: this knex only reads the catalog.
  const knex = createKnex({ ...database, pool: { min: 0, max: 1 } }, scrubber, { schema: undefined, searchPath: [], idleTimeout: 0 });
  try {
    return await hasSchema(knex, schema);
  } catch (error) {
    throw new KnexusError(
      'KNEXUS_ERR_CONNECTION_FAILED',
      `App '${app.name}' could not check its ${dialectOf(database.client).label} schema '${schema}': ${scrubber.scrub(toError(error).message)}`,
      { appName: app.name, client: database.client },
      scrubber.scrubError(error),
    );
  } finally {
    await knex.destroy();
  }
}

/** True when `information_schema.schemata` lists `schema` (a PostgreSQL schema or a MySQL database). */
async function hasSchema(knex: Knex, schema: string): Promise<boolean> {
  const rows = await knex.select('schema_name').from('information_schema.schemata').where('schema_name', schema);
  return rows.length > 0;
}
