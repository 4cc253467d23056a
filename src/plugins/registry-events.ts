import type { ConnectionTarget } from '../connection/connection-target.js';
import type { RegistryHealth } from '../health/health-report.js';
import type { RunResult } from '../migrations/ledger-types.js';
import type { LedgerRepairedEvent } from '../migrations/repair-options.js';
import type { AutoOperationsResult, RollbackContext, RollbackSummary, ShutdownResult, UnregisterOptions } from './lifecycle-types.js';
import type { PluginEvents } from './plugin-events.js';

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
