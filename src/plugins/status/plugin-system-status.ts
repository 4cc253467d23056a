import type { HookName } from '../hooks/hook-map.js';
import type { PluginState } from '../plugin-state.js';

/** One hook's counters for one plugin: calls, failures, total and mean ms, and p50/p95 of the latest 128 calls. */
export interface HookStatsSnapshot {
  readonly calls: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly totalMs: number;
  readonly averageMs: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
}

/** Totals over every hook of one plugin, plus each hook's counters. */
export interface PluginMetricsSnapshot {
  readonly calls: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly totalMs: number;
  readonly averageMs: number;
  readonly lastError: string | undefined;
  /** Per hook: counts, total and mean ms, and p50/p95 of the latest 128 calls. */
  readonly hooks: Partial<Record<HookName, HookStatsSnapshot>>;
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
