import type { DriftPolicy } from '../../migrations/migrations-config.js';

/** Default ledger tables and lock wait. */
export const APP_DEFAULTS = Object.freeze({
  migrationsTable: 'knexus_migrations',
  seedsTable: 'knexus_seeds',
  lockTimeout: 30_000,
  knexTableName: 'knex_migrations',
  drift: 'error' as DriftPolicy,
});
