import type { LifecycleDispatcher } from '../plugins/hook-map.js';
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
