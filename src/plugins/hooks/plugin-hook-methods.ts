import type { HookName, LifecycleHooks } from './hook-map.js';

/**
 * Every lifecycle hook as an optional *method*, for `PluginInterface` to merge in: a subclass
 * may then implement a hook as a method (a mapped type would declare properties, which a subclass
 * method cannot override). Each signature is taken from `LifecycleHooks`; `_SameHooks` below
 * fails to compile if a hook is added there and not here.
 */
export interface PluginHookMethods {
  onAppRegistrationStarted?(
    ...args: Parameters<LifecycleHooks['onAppRegistrationStarted']>
  ): ReturnType<LifecycleHooks['onAppRegistrationStarted']>;
  onConnectionCreated?(...args: Parameters<LifecycleHooks['onConnectionCreated']>): ReturnType<LifecycleHooks['onConnectionCreated']>;
  onAutoOperationsStarted?(
    ...args: Parameters<LifecycleHooks['onAutoOperationsStarted']>
  ): ReturnType<LifecycleHooks['onAutoOperationsStarted']>;
  onAutoOperationsCompleted?(
    ...args: Parameters<LifecycleHooks['onAutoOperationsCompleted']>
  ): ReturnType<LifecycleHooks['onAutoOperationsCompleted']>;
  onAppRegistered?(...args: Parameters<LifecycleHooks['onAppRegistered']>): ReturnType<LifecycleHooks['onAppRegistered']>;
  onAppUnregistrationStarted?(
    ...args: Parameters<LifecycleHooks['onAppUnregistrationStarted']>
  ): ReturnType<LifecycleHooks['onAppUnregistrationStarted']>;
  onAppRollbackStarted?(...args: Parameters<LifecycleHooks['onAppRollbackStarted']>): ReturnType<LifecycleHooks['onAppRollbackStarted']>;
  onAppRollbackCompleted?(
    ...args: Parameters<LifecycleHooks['onAppRollbackCompleted']>
  ): ReturnType<LifecycleHooks['onAppRollbackCompleted']>;
  onConnectionShutdown?(...args: Parameters<LifecycleHooks['onConnectionShutdown']>): ReturnType<LifecycleHooks['onConnectionShutdown']>;
  onAppUnregistered?(...args: Parameters<LifecycleHooks['onAppUnregistered']>): ReturnType<LifecycleHooks['onAppUnregistered']>;
  onOperationFailed?(...args: Parameters<LifecycleHooks['onOperationFailed']>): ReturnType<LifecycleHooks['onOperationFailed']>;
  onHealthCheck?(...args: Parameters<LifecycleHooks['onHealthCheck']>): ReturnType<LifecycleHooks['onHealthCheck']>;
}

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
/** Compile-time guard: exactly the hooks of LifecycleHooks. */
export type _SameHooks = Assert<Same<keyof PluginHookMethods, HookName>>;
