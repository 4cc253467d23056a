import type { LifecycleDispatcher } from '../plugins/hook-map.js';
import type { PluginDataSet } from '../plugins/plugin-data-set.js';
import type { AppEntry } from './app-entry.js';
import type { FailedOperation } from '../plugins/lifecycle-types.js';
import type { RegistryEvents } from '../plugins/registry-events.js';
import type { RegistrySettings } from './registry-settings.js';

/** Registry settings with every default applied. */
export type ResolvedSettings = Readonly<Required<RegistrySettings>>;

/** What the register/unregister pipelines need from the registry; one object, built by AppRegistry. */
export interface RegistryContext {
  readonly settings: ResolvedSettings;
  readonly hooks: LifecycleDispatcher;
  readonly apps: Map<string, AppEntry>;
  /** Emits an event; a throwing listener is reported as an `error` event, never thrown into the pipeline. */
  emit<K extends keyof RegistryEvents & string>(event: K, ...args: RegistryEvents[K]): void;
  /** True once `shutdown()` was called: work still running must stop with KNEXUS_ERR_SHUTTING_DOWN. */
  closing(): boolean;
  /** Reports a failure: an `error` event plus `onOperationFailed` to plugins. */
  fail(appName: string, operation: FailedOperation, error: Error, context?: Record<string, unknown>): Promise<void>;
  /** The own migrations and seeds of the active plugins, applied to each app after its own. */
  pluginData(): readonly PluginDataSet[];
}
