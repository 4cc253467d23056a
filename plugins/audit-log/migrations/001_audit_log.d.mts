import type { Knex } from 'knex';

/** The second argument knexus gives a plugin-owned migration. */
export interface MigrationContext {
  readonly plugin?: { readonly table?: string };
  readonly appName?: string;
}

/** Creates the audit table (adopting one that already exists). */
export function up(knex: Knex, context?: MigrationContext): Promise<void>;
/** Drops the audit table and every record in it. */
export function down(knex: Knex, context?: MigrationContext): Promise<void>;
