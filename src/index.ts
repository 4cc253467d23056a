/**
 * knexus: run many knex/Objection database apps from one Node process.
 *
 * This file is the whole public surface.
 */
export { AppRegistry, type AppRegistryOptions, type InitializeResult } from './registry/app-registry.js';
export {
  CLIENTS,
  DRIFT_POLICIES,
  type AppConfig,
  type ClientName,
  type DatabaseConfig,
  type DriftPolicy,
  type MigrationsConfig,
  type ModelClass,
  type ModelDefinition,
  type ModelsConfig,
  type PoolConfig,
  type SeedsConfig,
} from './registry/app-config.js';
export {
  APP_STATES,
  FAILED_OPERATIONS,
  HEALTH_STATES,
  type AppConfigView,
  type AppState,
  type AutoOperationsResult,
  type ConnectionShutdownInfo,
  type ConnectionTarget,
  type FailedOperation,
  type FolderSettingsView,
  type HealthReport,
  type HealthState,
  type PoolUsage,
  type RegistryErrorEvent,
  type RegistryEvents,
  type RegistryHealth,
  type RegistrySettings,
  type RollbackContext,
  type RollbackSummary,
  type ShutdownResult,
  type UnregisterOptions,
} from './registry/registry-types.js';
export type { AppStatus, RegistryStatus } from './registry/registry-status.js';
export type { LedgerRepairedEvent, RepairOptions } from './registry/repair-app.js';
export { REPAIR_RESOLUTIONS, type RepairResolution, type RepairResult } from './migrations/dirty-state.js';
export type { PluginDataStatus } from './registry/plugin-data.js';
export { ConnectionManager, type TransactionOptions } from './connection/connection-manager.js';
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
export { ERROR_CODES, KnexusError, isKnexusError, type KnexusErrorCode, type KnexusErrorContext } from './errors.js';
export * from './plugins/index.js';
export { defineConfig, type KnexusConfig } from './config/define-config.js';
export { loadConfig, type LoadConfigOptions } from './config/load-config.js';
export { CONFIG_FILE_NAMES } from './config/config-file-names.js';
