import type { HookName } from './hook-map.js';
import type { HookStats } from './hook-stats.js';
import type { PluginRecord, PluginState } from './plugin-record.js';
import type { PluginFailure } from './plugin-types.js';

/** Totals over every hook of one plugin, plus each hook's counters. */
export interface PluginMetricsSnapshot {
  readonly calls: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly totalMs: number;
  readonly averageMs: number;
  readonly lastError: string | undefined;
  /** Per hook: counts, total and mean ms, and p50/p95 of the latest 128 calls. */
  readonly hooks: Partial<Record<HookName, ReturnType<HookStats['toJSON']>>>;
}

/** One plugin in `getStatus()`. */
export interface PluginStatus {
  readonly name: string;
  readonly version: string;
  readonly status: PluginState;
  readonly module: string | undefined;
  readonly resolvedPath: string | undefined;
  readonly loadTimeMs: number;
  readonly loadedAt: Date | undefined;
  readonly inflightHooks: number;
  readonly metrics: PluginMetricsSnapshot;
  /** What the plugin's own `getStatus()` returned (or its error message). */
  readonly details: unknown;
}

/** What `pluginManager.getStatus()` returns. */
export interface PluginSystemStatus {
  readonly counts: { readonly total: number; readonly enabled: number; readonly disabled: number; readonly failed: number };
  readonly plugins: Readonly<Record<string, PluginStatus>>;
  readonly failed: readonly { readonly name: string; readonly code: string; readonly error: string }[];
  readonly services: Readonly<Record<string, string>>;
  readonly shuttingDown: boolean;
}

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
    details = { error: error instanceof Error ? error.message : String(error) };
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
