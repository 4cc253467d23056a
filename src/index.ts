/**
 * knexus: run many knex/Objection database apps from one Node process.
 *
 * This file is the whole public surface, grouped by the layer that owns each name (README "Architecture").
 */
export { ERROR_CODES, KnexusError, isKnexusError, type KnexusErrorCode, type KnexusErrorContext } from './errors.js';
export { CLIENTS, type ClientName } from './clients.js';
export { DRIFT_POLICIES, type DriftPolicy, type MigrationsConfig, type SeedsConfig } from './migrations/migrations-config.js';
export {
  LEDGER_ORIGINS,
  type DriftEntry,
  type LedgerEntry,
  type LedgerOrigin,
  type LedgerStatus,
  type RollbackResult,
  type RunResult,
  type SeedStatus,
} from './migrations/ledger-types.js';
export type { KnexMigrationSource, KnexSeedSource } from './migrations/knex-source.js';
export { REPAIR_RESOLUTIONS, type RepairResolution, type RepairResult } from './migrations/dirty-state.js';
export type { LedgerRepairedEvent, RepairOptions } from './migrations/repair-options.js';
export type { ModelClass, ModelDefinition, ModelsConfig } from './models/model-definition.js';
export { HEALTH_STATES, type HealthReport, type HealthState, type PoolUsage, type RegistryHealth } from './health/health-report.js';
export type { DatabaseConfig, PoolConfig, PoolerMode } from './connection/database-config.js';
export type { AppConfig } from './connection/app-config.js';
export type { AppConfigView, FolderSettingsView } from './connection/app-config-view.js';
export type { ConnectionTarget } from './connection/connection-target.js';
export { ConnectionManager, type TransactionOptions } from './connection/connection-manager.js';
export {
  APP_STATES,
  FAILED_OPERATIONS,
  type AppState,
  type AutoOperationsResult,
  type ConnectionShutdownInfo,
  type FailedOperation,
  type RollbackContext,
  type RollbackSummary,
  type ShutdownResult,
  type UnregisterOptions,
} from './plugins/lifecycle-types.js';
export type { RegistryErrorEvent, RegistryEvents } from './plugins/registry-events.js';
export type { AppStatus, RegistryStatus } from './plugins/registry-status.js';
export type { PluginDataStatus } from './plugins/plugin-data-status.js';
export type { PluginContext } from './plugins/plugin.js';
export * from './plugins/index.js';
export { AppRegistry } from './registry/app-registry.js';
export type { AppRegistryOptions, InitializeResult } from './registry/app-registry-options.js';
export type { RegistrySettings } from './registry/registry-settings.js';
export { defineConfig, type KnexusConfig } from './config/define-config.js';
export { loadConfig, type LoadConfigOptions } from './config/load-config.js';
export { CONFIG_FILE_NAMES } from './config/config-file-names.js';
