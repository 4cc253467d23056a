/**
 * knexus: run many knex/Objection database apps from one Node process.
 *
 * This file is the whole public surface, chosen rather than accumulated: what users of `AppRegistry` and
 * plugin authors call, plus every type those signatures name. Grouped by the layer that owns each name
 * (README "Architecture"). `etc/knexus.api.md` is the report of it; CI fails when the two differ.
 *
 * @packageDocumentation
 */

// Errors: one catalogue, stable codes.
export { ERROR_CODES, KnexusError, isKnexusError, type KnexusErrorCode, type KnexusErrorContext } from './errors.js';

// Configuration users write. A closed vocabulary comes with its list (`CLIENTS`), which validates at runtime.
export { defineConfig, type KnexusConfig } from './config/define-config.js';
export type { AppRegistryOptions, InitializeResult } from './registry/app-registry-options.js';
export type { RegistrySettings } from './registry/registry-settings.js';
export { CLIENTS, type ClientName } from './clients.js';
export type { DatabaseConfig, PoolConfig } from './connection/database-config.js';
export { POOLER_MODES, type PoolerMode } from './dialects/dialect-of.js';
export type { AppConfig } from './connection/app-config.js';
export type { KnexfileReference } from './knexfile/knexfile-reference.js';
export {
  DRIFT_POLICIES,
  KNEX_LEDGER_MODES,
  type DriftPolicy,
  type KnexLedgerMode,
  type MigrationsConfig,
  type SeedsConfig,
} from './migrations/migrations-config.js';
export type { ModelClass, ModelDefinition, ModelsConfig } from './models/model-definition.js';
export type { KnexMigrationSource, KnexSeedSource } from './migrations/knex/knex-source.js';

// The registry and the per-app handle it returns.
export { AppRegistry } from './registry/app-registry.js';
export { AppHandle, ConnectionManager, type TransactionOptions } from './connection/app-handle.js';
export type { MigrationRollbackOptions, SeedRollbackOptions } from './connection/app-operations.js';
export type { AppConfigView, FolderSettingsView } from './connection/app-config-view.js';
export type { ConnectionTarget } from './connection/connection-target.js';

// What the registry reports: results, status, health, events.
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
export { REPAIR_RESOLUTIONS, type RepairResolution, type RepairResult } from './migrations/dirty-state.js';
export type { LedgerRepairedEvent, RepairOptions } from './migrations/repair-options.js';
export {
  HEALTH_STATES,
  type HealthReport,
  type HealthState,
  type PoolUsage,
  type RegistryHealth,
  type ServerHealth,
} from './health/health-report.js';
export type { RegistryErrorEvent, RegistryEvents } from './plugins/registry-events.js';
export type { AppStatus, RegistryStatus } from './plugins/status/registry-status.js';
export type { PluginDataStatus } from './plugins/data/plugin-data-status.js';

// Plugins: the base class, the manager users reach as `registry.plugins`, the hook map and plugin config.
export { PluginInterface, type DefaultPluginStatus } from './plugins/plugin-interface.js';
export { definePlugin } from './plugins/define-plugin.js';
export { PluginManager } from './plugins/plugin-manager.js';
export {
  HOOK_NAMES,
  type Awaitable,
  type HookArgs,
  type HookContext,
  type HookName,
  type HookResult,
  type LifecycleHooks,
} from './plugins/hooks/hook-map.js';
export type { PluginHookMethods } from './plugins/hooks/plugin-hook-methods.js';
export type {
  Plugin,
  PluginClass,
  PluginContext,
  PluginDependencies,
  PluginEventMethods,
  PluginHooks,
  PluginSource,
} from './plugins/plugin.js';
export {
  PLUGIN_ORDERS,
  type MaxErrorsOptions,
  type PluginEntry,
  type PluginFailure,
  type PluginInitializeResult,
  type PluginLoadFailure,
  type PluginManagerOptions,
  type PluginOrder,
  type PluginShutdownResult,
  type PluginsConfig,
  type UnloadOptions,
} from './plugins/plugin-types.js';
export type { PluginFolderDeclaration } from './plugins/loading/plugin-folder-declaration.js';
export type { PluginHookTimeouts } from './plugins/hooks/plugin-hook-timeouts.js';
export type { PluginDataSet } from './plugins/data/plugin-data-set.js';
export type { PluginEvents } from './plugins/plugin-events.js';
export { PLUGIN_STATES, type PluginState } from './plugins/plugin-state.js';
export type { HookStatsSnapshot, PluginMetricsSnapshot, PluginStatus, PluginSystemStatus } from './plugins/status/plugin-system-status.js';
export type { PluginStorage, StorageSetOptions } from './plugins/storage/plugin-storage.js';

// Tenants as a service: a directory attaching tenants on first use, fleet checks and jobs.
export { TenantDirectory } from './tenants/tenant-directory.js';
export { LEDGER_VERDICTS, type FleetCheckResult, type LedgerVerdict, type TenantVerdict } from './tenants/fleet-check.js';
export type { FleetCheckOptions, FleetMigrateOptions, FleetRollbackOptions } from './tenants/fleet-commands.js';
export type { FleetJobOptions, FleetOperation, FleetProgress, FleetReport, TenantOutcome } from './tenants/fleet-job.js';
export { ATTACH_MODES, type AttachMode, type TenantDirectoryOptions, type TenantHost, type TenantList } from './tenants/tenant-options.js';
export type { TenantFailure, TenantsStatus } from './tenants/tenants-status.js';
export type { ResolvedTenantOptions } from './tenants/resolve-tenant-options.js';
export type { PlacementStore } from './tenants/placement-store.js';
export { MemoryPlacement } from './tenants/memory-placement.js';
export { TablePlacement, PLACEMENT_TABLE } from './tenants/table-placement.js';
export { fewestTenants, type PlacementCandidate, type PlacementPolicy } from './tenants/placement-policy.js';
export type { TenantServerStatus } from './tenants/tenant-servers.js';
export { MOVE_STEPS, type MoveStep, type TenantMoveOptions, type TenantMoveReport } from './tenants/tenant-move.js';
