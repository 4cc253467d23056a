import type { RollbackResult, RunResult } from '../migrations/ledger-types.js';

/** Lifecycle states of one app. `gone` apps are removed from the registry. */
export const APP_STATES = ['registering', 'ready', 'unregistering', 'gone', 'failed'] as const;
/** An app's lifecycle state. */
export type AppState = (typeof APP_STATES)[number];

/** What registration applied: migrations, seeds and the models bound. */
export interface AutoOperationsResult {
  readonly migrations: RunResult | null;
  readonly seeds: RunResult | null;
  readonly models: readonly string[];
  readonly durationMs: number;
}

/** Options of `unregisterApp`. */
export interface UnregisterOptions {
  /** Keep the data: no rollback at all. Default false. */
  readonly skipRollback?: boolean;
  /** `registration` (default) undoes what this registration applied; `all` undoes the app's whole history. */
  readonly rollback?: 'registration' | 'all';
  /**
   * Remove the app's schema (PostgreSQL) or database (MySQL/MariaDB) after rolling back its whole history.
   * Refused with KNEXUS_ERR_SCHEMA_NOT_EMPTY if tables its ledger does not account for remain, unless `force`.
   */
  readonly dropSchema?: boolean;
  /** With `dropSchema`: drop the schema even if it still holds other tables or other apps' ledger rows. */
  readonly force?: boolean;
}

/** Why a rollback runs: given to `onAppRollbackStarted` and the `app-rollback-*` events. */
export interface RollbackContext extends UnregisterOptions {
  /** `unregistration` (unregisterApp) or `manual` (rollbackMigrations / rollbackSeeds called directly). */
  readonly trigger: 'unregistration' | 'manual';
  /** For manual rollbacks: what the caller asked for. */
  readonly target?: 'migrations' | 'seeds';
  readonly step?: number;
  readonly all?: boolean;
  readonly batch?: number;
  /** `rollbackMigrations({ to })`: undo down to and including this migration. */
  readonly to?: string;
}

/** What a rollback undid (an unregistration's seeds then migrations, or one manual rollback). */
export interface RollbackSummary {
  readonly seeds: RollbackResult | null;
  readonly migrations: RollbackResult | null;
  readonly durationMs: number;
}

/** Passed to `onConnectionShutdown`: whether the pool was shared and this was its last user. */
export interface ConnectionShutdownInfo {
  readonly shared: boolean;
  readonly lastReference: boolean;
  readonly timeout: number;
}

/** Names of operations reported through `onOperationFailed` and `error` events. */
export const FAILED_OPERATIONS = [
  'registration',
  'connection',
  'migrations',
  'seeds',
  'models',
  'rollback',
  'unregistration',
  'health-check',
  'plugin-hook',
  'shutdown',
  'repair',
] as const;
/** An operation that can fail. */
export type FailedOperation = (typeof FAILED_OPERATIONS)[number];

/** The outcome of `shutdown()`. */
export interface ShutdownResult {
  readonly closed: readonly string[];
  /** Apps whose pool did not close within `shutdownTimeout` and was destroyed by force. */
  readonly forced: readonly string[];
  readonly errors: readonly { readonly name: string; readonly error: string }[];
  readonly durationMs: number;
}
