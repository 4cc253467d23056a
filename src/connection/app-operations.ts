import type { LedgerStatus, RollbackResult, RunResult, SeedStatus } from '../migrations/ledger-types.js';

/** What `rollbackMigrations` accepts: the last batch (default), the last `step` files, one `batch`, down to `to`, or `all`. */
export interface MigrationRollbackOptions {
  readonly step?: number;
  readonly all?: boolean;
  readonly batch?: number;
  readonly to?: string;
}

/** What `rollbackSeeds` accepts: as migrations, without `to`. */
export type SeedRollbackOptions = Omit<MigrationRollbackOptions, 'to'>;

/**
 * The migration and seed operations of one app, already validated by its `AppHandle`. The
 * registry implements them (`AppRunner`): the one path to the app's runners, with its events, hooks and
 * failure reports on it, that its own pipelines take too.
 */
export interface AppOperations {
  runMigrations(options: { readonly to?: string }): Promise<RunResult>;
  rollbackMigrations(options: MigrationRollbackOptions): Promise<RollbackResult>;
  baselineMigrations(options: { readonly to?: string; readonly fromKnex?: boolean }): Promise<RunResult>;
  migrationStatus(): Promise<LedgerStatus>;
  runSeeds(): Promise<RunResult>;
  rollbackSeeds(options: SeedRollbackOptions): Promise<RollbackResult>;
  seedStatus(): Promise<SeedStatus>;
}
