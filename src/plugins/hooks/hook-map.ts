import type { AppHandle } from '../../connection/app-handle.js';
import type { AppConfigView } from '../../connection/app-config-view.js';
import type {
  AutoOperationsResult,
  ConnectionShutdownInfo,
  FailedOperation,
  RollbackContext,
  RollbackSummary,
  UnregisterOptions,
} from '../lifecycle-types.js';
import type { HealthReport } from '../../health/health-report.js';

/** What every hook call receives as its last argument. */
export interface HookContext {
  /** Aborts when this call exceeds `hookTimeout` or the registry shuts down. */
  readonly signal: AbortSignal;
  readonly hook: HookName;
  readonly pluginName: string;
}

/** A value or a promise of it. */
export type Awaitable<T> = T | Promise<T>;

/**
 * The 12 lifecycle hooks, in the order an app's life runs through them. The plugin base class, the dispatcher and the typed
 * registry events are all derived from this one interface.
 */
export interface LifecycleHooks {
  onAppRegistrationStarted(appName: string, config: AppConfigView, context: HookContext): Awaitable<void>;
  onConnectionCreated(appName: string, connection: AppHandle, context: HookContext): Awaitable<void>;
  onAutoOperationsStarted(appName: string, connection: AppHandle, config: AppConfigView, context: HookContext): Awaitable<void>;
  onAutoOperationsCompleted(appName: string, result: AutoOperationsResult, context: HookContext): Awaitable<void>;
  onAppRegistered(appName: string, connection: AppHandle, config: AppConfigView, context: HookContext): Awaitable<void>;
  onAppUnregistrationStarted(appName: string, options: UnregisterOptions, context: HookContext): Awaitable<void>;
  /** Before an unregistration's rollback, and before a manual `rollbackMigrations`/`rollbackSeeds` (`options.trigger`). */
  onAppRollbackStarted(appName: string, connection: AppHandle, options: RollbackContext, context: HookContext): Awaitable<void>;
  onAppRollbackCompleted(appName: string, result: RollbackSummary, context: HookContext): Awaitable<void>;
  onConnectionShutdown(appName: string, connection: AppHandle, options: ConnectionShutdownInfo, context: HookContext): Awaitable<void>;
  onAppUnregistered(appName: string, options: UnregisterOptions, context: HookContext): Awaitable<void>;
  onOperationFailed(
    appName: string,
    operation: FailedOperation,
    error: Error,
    context: Readonly<Record<string, unknown>>,
    hookContext: HookContext,
  ): Awaitable<void>;
  /** May return extra health data, merged into the app's health report under the plugin's name. */
  onHealthCheck(appName: string, healthStatus: HealthReport, context: HookContext): Awaitable<Record<string, unknown> | void>;
}

/** A lifecycle hook name. */
export type HookName = keyof LifecycleHooks;

/** The hooks in lifecycle order (registration, operations, rollback, unregistration, connection, health, failure). */
export const HOOK_NAMES = [
  'onAppRegistrationStarted',
  'onConnectionCreated',
  'onAutoOperationsStarted',
  'onAutoOperationsCompleted',
  'onAppRegistered',
  'onAppUnregistrationStarted',
  'onAppRollbackStarted',
  'onAppRollbackCompleted',
  'onConnectionShutdown',
  'onAppUnregistered',
  'onOperationFailed',
  'onHealthCheck',
] as const satisfies readonly HookName[];

/** A hook's arguments without the trailing context. */
export type HookArgs<K extends HookName> = Parameters<LifecycleHooks[K]> extends [...infer A, HookContext] ? A : never;

/** A hook's resolved return value. */
export type HookResult<K extends HookName> = Awaited<ReturnType<LifecycleHooks[K]>>;

/**
 * What the registry calls at each step of its pipelines. Without plugins it is a no-op;
 * the PluginManager implements it. Never rejects: hook failures are reported, not thrown.
 */
export interface LifecycleDispatcher {
  /** Calls `hook` on every plugin that implements it; resolves with each plugin's non-undefined result. */
  dispatch<K extends HookName>(hook: K, ...args: HookArgs<K>): Promise<ReadonlyMap<string, HookResult<K>>>;
  /** True when at least one active plugin implements `hook` (lets the registry skip building arguments). */
  handles(hook: HookName): boolean;
}
