import knexFactory, { type Knex } from 'knex';
import type { ResolvedAppConfig } from '../registry/app-config.js';
import { safeCopy } from '../util/safe-copy.js';
import type { SecretScrubber } from './secret-scrubber.js';
import { makeKnexMethodsWritable } from './writable-knex-methods.js';

/** Opens a knex instance for an app's database; the driver module is loaded only now, by knex. */
export function createKnex(
  database: NonNullable<ResolvedAppConfig['database']>,
  schema: string | undefined,
  scrubber: SecretScrubber,
): Knex {
  const { client, connection, pool, ...rest } = database as typeof database & Record<string, unknown>;
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
  if (client === 'better-sqlite3') config.useNullAsDefault = true;
  if (schema !== undefined) config.searchPath = [schema, 'public'];
  return makeKnexMethodsWritable(knexFactory(config));
}

/** Creates the app's PostgreSQL schema if missing; a concurrent creator winning the race is fine. */
export async function ensureSchema(knex: Knex, schema: string): Promise<void> {
  try {
    await knex.raw('create schema if not exists ??', [schema]);
  } catch (error) {
    // Two sessions racing on IF NOT EXISTS: the loser sees a unique violation on the catalog.
    const code = (error as { code?: string }).code;
    if (code !== '23505' && code !== '42P06') throw error;
  }
}
