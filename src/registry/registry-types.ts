import type { RollbackResult, RunResult } from '../migrations/ledger-types.js';
import type { PluginEvents } from '../plugins/plugin-events.js';
import type { ClientName } from './app-config.js';
import type { LedgerRepairedEvent } from './repair-app.js';

/** Lifecycle states of one app. `gone` apps are removed from the registry. */
export const APP_STATES = ['registering', 'ready', 'unregistering', 'gone', 'failed'] as const;
/** An app's lifecycle state. */
export type AppState = (typeof APP_STATES)[number];

/** Where an app's connection points, with secrets removed. Safe to log and print. */
export interface ConnectionTarget {
  readonly client: ClientName;
  readonly host?: string;
  readonly port?: number;
  readonly database?: string;
  readonly user?: string;
  readonly filename?: string;
  readonly schema?: string;
}

/** Migration or seed settings as plugins see them. */
export interface FolderSettingsView {
  readonly enabled: boolean;
  /** The spec's `directory`: the resolved folder, or the folders when there are several (undefined when none). */
  readonly directory: string | readonly string[] | undefined;
  readonly directories: readonly string[];
  readonly tableName: string;
}

/** A secret-free view of an app's config, given to plugins and events. */
export interface AppConfigView {
  readonly client: ClientName;
  readonly target: ConnectionTarget;
  /** The spec's `config.database`: client, host, port, database, user or filename; never the password. */
  readonly database: ConnectionTarget;
  readonly schema: string | undefined;
  readonly migrations: FolderSettingsView;
  readonly seeds: FolderSettingsView;
  readonly models: readonly string[];
  readonly reusable: boolean;
  readonly useConnection: string | undefined;
}

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

/** Health verdicts, best to worst. */
export const HEALTH_STATES = ['healthy', 'degraded', 'unhealthy', 'timeout'] as const;
/** A health verdict. */
export type HealthState = (typeof HEALTH_STATES)[number];

/** Pool usage of one physical connection pool. */
export interface PoolUsage {
  readonly used: number;
  readonly free: number;
  readonly pending: number;
  readonly max: number;
}

/** One app's health. */
export interface HealthReport {
  readonly appName: string;
  readonly status: HealthState;
  readonly latencyMs: number | null;
  readonly pool: PoolUsage;
  readonly checkedAt: Date;
  readonly error?: string;
  /** Extra data from plugins' `onHealthCheck`, keyed by plugin name. */
  readonly plugins?: Readonly<Record<string, unknown>>;
}

/** One health cycle over every app. */
export interface RegistryHealth {
  readonly status: HealthState;
  readonly apps: Readonly<Record<string, HealthReport>>;
  readonly durationMs: number;
  readonly checkedAt: Date;
}

/** The outcome of `shutdown()`. */
export interface ShutdownResult {
  readonly closed: readonly string[];
  /** Apps whose pool did not close within `shutdownTimeout` and was destroyed by force. */
  readonly forced: readonly string[];
  readonly errors: readonly { readonly name: string; readonly error: string }[];
  readonly durationMs: number;
}

/** Payload of the `error` event. Never throws when nobody listens. */
export interface RegistryErrorEvent {
  readonly component: string;
  readonly phase: string;
  readonly appName?: string;
  readonly error: Error;
  readonly hook?: string;
  readonly pluginName?: string;
}

/** Typed registry events, plugin events included. Custom string events (plugin communication) are allowed too. */
export interface RegistryEvents extends PluginEvents {
  'app-registered': [event: { appName: string; target: ConnectionTarget; result: AutoOperationsResult; durationMs: number }];
  'app-unregistered': [event: { appName: string; options: UnregisterOptions; rollback: RollbackSummary | null; durationMs: number }];
  'connection-created': [event: { appName: string; target: ConnectionTarget }];
  'connection-reused': [event: { appName: string; owner: string; references: number }];
  'connection-closed': [event: { appName: string; owner: string; forced: boolean }];
  'auto-migration-started': [event: { appName: string }];
  'auto-migration-completed': [event: { appName: string; result: RunResult }];
  'auto-seed-started': [event: { appName: string }];
  'auto-seed-completed': [event: { appName: string; result: RunResult }];
  'app-rollback-started': [event: { appName: string; options: RollbackContext }];
  'migrations-started': [event: { appName: string }];
  'migrations-completed': [event: { appName: string; result: RunResult }];
  'seeds-started': [event: { appName: string }];
  'seeds-completed': [event: { appName: string; result: RunResult }];
  'app-rollback-completed': [event: { appName: string; result: RollbackSummary }];
  'health-check-completed': [event: RegistryHealth];
  'shutdown-completed': [event: ShutdownResult];
  /** `registry.repair()` settled a dirty file: the audit trail of a human decision. */
  'ledger-repaired': [event: LedgerRepairedEvent];
  warning: [event: { appName?: string; code: string; message: string; details?: Record<string, unknown> }];
  error: [event: RegistryErrorEvent];
  [custom: string]: unknown[];
}

/** Registry-wide settings (`new AppRegistry({ registry: … })`). */
export interface RegistrySettings {
  /** Longest `shutdown()` may take before pools are destroyed by force, in ms; default 30000. */
  shutdownTimeout?: number;
  /** Period of background health checks in ms; 0 (default) turns them off. */
  healthCheckInterval?: number;
  /** Longest one `select 1` round trip may take before the app is reported `timeout`, in ms; default 5000. */
  healthCheckTimeout?: number;
  /** Latency above which a healthy round trip is reported `degraded`, in ms; default 1000. */
  degradedLatency?: number;
  /**
   * How long registration keeps retrying a transient connection failure (refused, reset, server starting
   * or shutting down, too many connections), in ms, with capped backoff and jitter; default 0 (no retry).
   * Authentication failures and a missing database are never retried; shutdown stops the retries.
   */
  connectRetry?: number;
  /**
   * ms after which an idle pooled PostgreSQL/MySQL connection of a registry-created pool is closed; default
   * 30000; 0 keeps idle connections open. Such pools also start empty (`pool.min` 0) unless the app sets it.
   */
  idleTimeout?: number;
  /**
   * How many apps sharing one pool may run migrations or seeds at once (each session holds a pooled
   * connection); default 0: one below the pool's max, at most 4.
   */
  migrationConcurrency?: number;
}
