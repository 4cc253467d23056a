import { HOOK_NAMES, type HookName } from './hook-map.js';
import type { HookStats } from './hook-stats.js';
import type { PluginRecord } from '../plugin-record.js';
import { declared } from '../loading/plugin-declarations.js';
import type { Plugin } from '../plugin.js';
import type { PluginOrder } from '../plugin-types.js';
import { hookTimeoutsOf, type PluginHookTimeouts } from './plugin-hook-timeouts.js';

/** A hook implementation as the dispatcher calls it. */
export type HookFn = (this: Plugin, ...args: unknown[]) => unknown;

/** One plugin's implementation of one hook, resolved once when plugins change. */
export interface HookHandler {
  readonly record: PluginRecord;
  readonly plugin: Plugin;
  readonly fn: HookFn;
  readonly stats: HookStats;
  /** The plugin's own timeout for this hook (`hookTimeouts`), or undefined for the manager's. */
  readonly timeoutMs: number | undefined;
}

/** A hook's handlers grouped into phases (pre, normal, post), each in call order; only non-empty phases. */
export type HookPhases = readonly (readonly HookHandler[])[];

const PHASE_RANK = { pre: 0, normal: 1, post: 2 } as const;

/**
 * Precomputes, for every hook, the active plugins that implement it, grouped by `order` phase
 * and sorted by `priority` (lower first), then load order. A hook nobody implements gets no phases.
 */
export function buildHookHandlers(records: Iterable<PluginRecord>): Map<HookName, HookPhases> {
  const active = [...records].filter((r) => r.state === 'active');
  const byHook = new Map<HookName, HookPhases>();
  for (const hook of HOOK_NAMES) {
    const handlers: (HookHandler & { rank: number; priority: number })[] = [];
    for (const record of active) {
      const plugin = record.plugin;
      const fn = (plugin as unknown as Record<string, unknown>)[hook];
      if (typeof fn !== 'function') continue;
      const priority = declared(plugin, 'priority');
      let timeouts: PluginHookTimeouts | undefined;
      try {
        timeouts = hookTimeoutsOf(plugin, record.name);
      } catch {
        // Checked when the plugin loaded; a getter that turned bad since falls back to the manager's timeout.
      }
      handlers.push({
        record,
        plugin,
        fn: fn as HookFn,
        stats: record.stats(hook),
        timeoutMs: timeouts?.[hook],
        rank: PHASE_RANK[(declared(plugin, 'order') as PluginOrder | undefined) ?? 'normal'] ?? PHASE_RANK.normal,
        priority: typeof priority === 'number' ? priority : 0,
      });
    }
    handlers.sort((a, b) => a.rank - b.rank || a.priority - b.priority || a.record.sequence - b.record.sequence);
    const phases: HookHandler[][] = [];
    let rank = -1;
    for (const { rank: handlerRank, priority: _priority, ...handler } of handlers) {
      if (handlerRank !== rank) {
        phases.push([]);
        rank = handlerRank;
      }
      phases[phases.length - 1]!.push(handler);
    }
    byHook.set(hook, phases);
  }
  return byHook;
}
