import { frozenError, toError } from '../errors.js';
import type { LifecycleDispatcher } from '../plugins/hooks/hook-map.js';
import type { FailedOperation } from '../plugins/lifecycle-types.js';
import type { RegistryEvents } from '../plugins/registry-events.js';

/** How registry work reports what it does: events, plugin hooks, failures; and whether the registry is closing. */
export interface RegistryReporter {
  readonly hooks: LifecycleDispatcher;
  /** Emits an event; a throwing listener is reported as an `error` event, never thrown into the pipeline. */
  emit<K extends keyof RegistryEvents & string>(event: K, ...args: RegistryEvents[K]): void;
  /** True once `shutdown()` was called: work still running must stop with KNEXUS_ERR_SHUTTING_DOWN. */
  closing(): boolean;
  /** Reports a failure: an `error` event plus `onOperationFailed` to plugins. */
  fail(appName: string, operation: FailedOperation, error: Error, context?: Record<string, unknown>): Promise<void>;
}

/**
 * The registry's reporter: events emitted on `emitter` (a throwing listener becomes an `error` event, never
 * thrown into the work), failures as an `error` event plus `onOperationFailed` to plugins.
 */
export function createReporter(
  emitter: { emit(event: string, ...args: any[]): boolean },
  hooks: LifecycleDispatcher,
  closing: () => boolean,
): RegistryReporter {
  const emitSafely = (event: string, args: unknown[]): void => {
    try {
      emitter.emit(event, ...args);
    } catch (listenerError) {
      if (event === 'error') return;
      emitSafely('error', [{ component: 'AppRegistry', phase: 'event-listener', error: toError(listenerError) }]);
    }
  };
  return {
    hooks,
    closing,
    emit: (event, ...args) => emitSafely(event, args),
    fail: async (appName, operation, error, context = {}) => {
      emitSafely('error', [{ component: 'AppRegistry', phase: operation, appName, error }]);
      // Plugins get a frozen copy: the caller's error (thrown to them) stays as knexus made it.
      await hooks.dispatch('onOperationFailed', appName, operation, frozenError(error), Object.freeze({ ...context }));
    },
  };
}
