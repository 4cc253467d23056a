import type { Knex } from 'knex';
import type { Dialect, SchemaPlacement } from '../dialect.js';
import { serverPool } from '../server-pool.js';
import { postgresDialect } from './postgres-dialect.js';
import { scopeStatements } from './scope-statements.js';

/** `set search_path to …` made local to the transaction it runs in. */
const local = (route: string) => route.replace(/^set /, 'set local ');

/**
 * PostgreSQL reached through a transaction pooler (PgBouncer `pool_mode = transaction`, Supabase's or
 * Neon's pooled URLs), declared with `database.pooler: 'transaction'`. A client connection keeps no
 * server session between transactions there, so nothing is set on sessions: each statement runs in a
 * transaction opening with `set local search_path` (`scopeStatements`), and migrations, seeds and their
 * advisory locks run on the app's `directConnection` instead, through the plain PostgreSQL adapter.
 */
const { detectTransactionPooler: _declared, ...direct } = postgresDialect;

export const postgresTransactionPoolerDialect: Dialect = Object.freeze({
  ...direct,
  label: 'PostgreSQL behind a transaction pooler',
  route: (schema: string, searchPath: readonly string[]) => local(postgresDialect.route(schema, searchPath)),
  // The server's default search_path is what a statement sees when it sets none.
  ownerRoute: ({ schema, searchPath }: SchemaPlacement) =>
    schema === undefined ? 'set local search_path to default' : local(postgresDialect.route(schema, searchPath)),
  // Never called: with transaction routing no pooled connection is ever switched.
  resetSession: () => Promise.resolve(),
  routing: 'transaction' as const,
  scopeStatements,
  configureKnex: (config: Knex.Config, _placement: SchemaPlacement, idleTimeout: number) => {
    // No knex searchPath: knex would SET it on whichever server connection the pooler lends, for good.
    config.pool = serverPool(config.pool, idleTimeout);
  },
});
