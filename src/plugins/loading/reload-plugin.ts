import { inspectable, isKnexusError } from '../../errors.js';
import type { RegistryErrorEvent } from '../registry-events.js';
import type { PluginActivator } from './plugin-activator.js';
import { initFailedError, invalidPluginError, loadTimeoutError, pluginNotFoundError } from '../plugin-errors.js';
import type { PluginRecord } from '../plugin-record.js';
import type { PluginTable } from '../storage/plugin-table.js';
import type { PluginSource } from '../plugin.js';
import { preparePlugin } from './prepare-plugin.js';
import type { ServiceDirectory } from '../service-directory.js';

/** What a reload needs from its PluginManager. */
export interface ReloadContext {
  readonly table: PluginTable;
  readonly activator: PluginActivator;
  readonly services: ServiceDirectory;
  readonly baseDir: string;
  readonly allowedRoots: readonly string[];
  readonly loadTimeout: number;
  /** Throws unless the new version's dependencies are loaded. */
  checkDependencies(record: PluginRecord): void;
  reportError(event: RegistryErrorEvent): void;
  /** Tells listeners the new version is in (before the old one is retired). */
  announce(record: PluginRecord, previousVersion: string): void;
}

/**
 * Hot reload with rollback: loads the new version of `name` (by default its module, imported afresh,
 * or its class) beside the old one within `loadTimeout`, swaps it in and retires the old one. If the
 * new version fails, the old one stays active with its services and the error is reported and thrown.
 * Resolves with the new record.
 */
export async function reloadPlugin(
  ctx: ReloadContext,
  name: string,
  source: PluginSource | undefined,
  config: Readonly<Record<string, unknown>> | undefined,
): Promise<PluginRecord> {
  const { table, activator } = ctx;
  const old = table.get(name);
  if (old === undefined) throw pluginNotFoundError(name);
  const nextSource = source ?? old.origin.module ?? old.origin.pluginClass;
  if (nextSource === undefined) {
    throw invalidPluginError({ pluginName: name }, `Plugin '${name}' was loaded as an object; pass its new version to reload it`);
  }
  const nextConfig = config ?? old.origin.config;
  const timeoutMs = ctx.loadTimeout;
  const timeoutError = loadTimeoutError({ pluginName: name }, timeoutMs, false);
  const started = performance.now();
  let record: PluginRecord;
  try {
    record = await preparePlugin(nextSource, {
      config: nextConfig,
      baseDir: old.origin.baseDir ?? ctx.baseDir,
      allowedRoots: ctx.allowedRoots,
      key: old.origin.key,
      fresh: true,
      timeoutMs,
      timeoutError,
    });
    if (record.name !== name) {
      throw invalidPluginError(record.origin, `Reloading '${name}' loaded a plugin named '${record.name}'`);
    }
    ctx.checkDependencies(record);
    await activator.activate(record, timeoutMs - (performance.now() - started), timeoutError, 'stage');
  } catch (error) {
    // Unless the old version was unloaded meanwhile, it gets back any service the new one replaced.
    if (table.get(name) === old) ctx.services.restore(old);
    const safe = inspectable(error);
    const reported = isKnexusError(safe) ? safe : initFailedError({ pluginName: name }, safe);
    ctx.reportError({ component: 'PluginManager', phase: 'reload', pluginName: name, error: reported });
    throw reported;
  }
  if (table.get(name) !== old) {
    // The old version was unloaded (or shut down) while the new one initialized: nothing to replace.
    await activator.retire(record, { drain: false, purgeData: false });
    throw pluginNotFoundError(name);
  }
  record.state = 'active';
  table.replace(old, record);
  ctx.announce(record, old.version);
  await activator.retire(old, { drain: true, purgeData: false });
  return record;
}
