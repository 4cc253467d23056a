import { errorMessage } from '../../errors.js';
import { dictionary } from '../../util/dictionary.js';
import type { HookName } from '../hooks/hook-map.js';
import type { PluginRecord } from '../plugin-record.js';
import type { PluginFailure } from '../plugin-types.js';
import type { PluginStatus, PluginSystemStatus } from './plugin-system-status.js';

/** A status snapshot of one plugin. */
export function pluginStatus(record: PluginRecord): PluginStatus {
  let calls = 0;
  let errors = 0;
  let timeouts = 0;
  let totalMs = 0;
  const hooks: Partial<Record<HookName, ReturnType<ReturnType<PluginRecord['stats']>['toJSON']>>> = {};
  for (const [hook, stats] of record.allStats()) {
    calls += stats.calls;
    errors += stats.errors;
    timeouts += stats.timeouts;
    totalMs += stats.totalMs;
    hooks[hook] = stats.toJSON();
  }
  let details: unknown;
  try {
    details = record.plugin.getStatus();
  } catch (error) {
    details = { error: errorMessage(error) };
  }
  return {
    name: record.name,
    version: record.version,
    status: record.state,
    module: record.origin.module,
    resolvedPath: record.origin.resolvedPath,
    loadTimeMs: record.loadTimeMs,
    loadedAt: record.loadedAt,
    inflightHooks: record.inflight,
    metrics: {
      calls,
      errors,
      timeouts,
      totalMs,
      averageMs: calls === 0 ? 0 : totalMs / calls,
      lastError: record.lastError?.message,
      hooks,
    },
    details,
  };
}

/** Summarizes config failures for `getStatus()`. */
export function failureStatus(failures: readonly PluginFailure[]): PluginSystemStatus['failed'] {
  return failures.map((f) => ({ name: f.name, code: f.error.code, error: f.error.message }));
}

/** What `pluginManager.getStatus()` returns: counts, each plugin's status, config failures and services. */
export function pluginSystemStatus(
  records: readonly PluginRecord[],
  failures: readonly PluginFailure[],
  services: Readonly<Record<string, string>>,
  shuttingDown: boolean,
): PluginSystemStatus {
  return {
    counts: {
      total: records.length,
      enabled: records.filter((r) => r.state === 'active').length,
      disabled: records.filter((r) => r.state === 'disabled').length,
      failed: failures.length,
    },
    plugins: dictionary(records.map((r) => [r.name, pluginStatus(r)] as const)),
    failed: failureStatus(failures),
    services,
    shuttingDown,
  };
}
