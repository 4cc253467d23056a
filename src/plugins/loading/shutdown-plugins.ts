import { KnexusError } from '../../errors.js';
import type { HookDispatcher } from '../hooks/hook-dispatcher.js';
import type { HostEmitter } from '../host-emitter.js';
import type { PluginActivator } from './plugin-activator.js';
import type { PluginRecord } from '../plugin-record.js';
import type { PluginFailure, PluginShutdownResult } from '../plugin-types.js';
import type { StorageBackend } from '../storage/storage-backend.js';

/** What shutting the plugin system down works with. */
export interface ShutdownPluginsDeps {
  readonly activator: PluginActivator;
  /** The loaded plugins, read once loads in progress have settled. */
  readonly records: () => readonly PluginRecord[];
  readonly shutdownTimeout: number;
  readonly dispatcher: HookDispatcher;
  readonly storage: StorageBackend;
  readonly events: HostEmitter;
}

/**
 * Lets loads in progress settle (within `shutdownTimeout`), shuts every plugin down in reverse load
 * order, closes hook dispatch and the plugin storage. A hung or throwing plugin is reported by name.
 */
export async function shutdownPlugins(started: number, deps: ShutdownPluginsDeps): Promise<PluginShutdownResult> {
  await deps.activator.settle(deps.shutdownTimeout);
  const stopped: string[] = [];
  const errors: PluginFailure[] = [];
  for (const record of [...deps.records()].reverse()) {
    const error = await deps.activator.retire(record, { drain: false, purgeData: false });
    if (error === undefined) stopped.push(record.name);
    else errors.push({ name: record.name, error });
  }
  deps.dispatcher.close();
  try {
    await deps.storage.close();
  } catch (error) {
    const closeError = new KnexusError(
      'KNEXUS_ERR_PLUGIN_SHUTDOWN',
      'Could not close the plugin storage database',
      { phase: 'shutdown' },
      error,
    );
    deps.events.error({ component: 'PluginManager', phase: 'shutdown', error: closeError });
  }
  return { stopped, errors, durationMs: performance.now() - started };
}
