import type { HookName, LifecycleHooks } from './hook-map.js';

type Hook<K extends HookName> = LifecycleHooks[K];

/**
 * Every lifecycle hook as an optional *method*, for `PluginInterface` to merge in: a subclass
 * may then implement a hook as a method (a mapped type would declare properties, which a subclass
 * method cannot override). Each signature is taken from `LifecycleHooks`; `_SameHooks` below
 * fails to compile if a hook is added there and not here.
 */
export interface PluginHookMethods {
  onAppRegistrationStarted?(...args: Parameters<Hook<'onAppRegistrationStarted'>>): ReturnType<Hook<'onAppRegistrationStarted'>>;
  onConnectionCreated?(...args: Parameters<Hook<'onConnectionCreated'>>): ReturnType<Hook<'onConnectionCreated'>>;
  onAutoOperationsStarted?(...args: Parameters<Hook<'onAutoOperationsStarted'>>): ReturnType<Hook<'onAutoOperationsStarted'>>;
  onAutoOperationsCompleted?(...args: Parameters<Hook<'onAutoOperationsCompleted'>>): ReturnType<Hook<'onAutoOperationsCompleted'>>;
  onAppRegistered?(...args: Parameters<Hook<'onAppRegistered'>>): ReturnType<Hook<'onAppRegistered'>>;
  onAppUnregistrationStarted?(...args: Parameters<Hook<'onAppUnregistrationStarted'>>): ReturnType<Hook<'onAppUnregistrationStarted'>>;
  onAppRollbackStarted?(...args: Parameters<Hook<'onAppRollbackStarted'>>): ReturnType<Hook<'onAppRollbackStarted'>>;
  onAppRollbackCompleted?(...args: Parameters<Hook<'onAppRollbackCompleted'>>): ReturnType<Hook<'onAppRollbackCompleted'>>;
  onConnectionShutdown?(...args: Parameters<Hook<'onConnectionShutdown'>>): ReturnType<Hook<'onConnectionShutdown'>>;
  onAppUnregistered?(...args: Parameters<Hook<'onAppUnregistered'>>): ReturnType<Hook<'onAppUnregistered'>>;
  onOperationFailed?(...args: Parameters<Hook<'onOperationFailed'>>): ReturnType<Hook<'onOperationFailed'>>;
  onHealthCheck?(...args: Parameters<Hook<'onHealthCheck'>>): ReturnType<Hook<'onHealthCheck'>>;
}

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
/** Compile-time guard: exactly the hooks of LifecycleHooks. */
export type _SameHooks = Assert<Same<keyof PluginHookMethods, HookName>>;
