import type { PluginRecord } from './plugin-record.js';
import { prometheusLabel } from '../util/prometheus-label.js';

/** Names of the Prometheus series `pluginManager.metrics()` writes. */
export const PLUGIN_METRIC_NAMES = [
  'knexus_plugin_hook_calls_total',
  'knexus_plugin_hook_errors_total',
  'knexus_plugin_hook_timeouts_total',
  'knexus_plugin_hook_duration_seconds',
  'knexus_plugin_load_duration_seconds',
  'knexus_plugin_up',
  'knexus_plugin_load_failures_total',
] as const;


function seconds(ms: number): string {
  return String(ms / 1000);
}

/** Renders plugin and hook metrics in the Prometheus text exposition format (ends with a newline). */
export function renderPluginMetrics(records: readonly PluginRecord[], loadFailures: number): string {
  const lines: string[] = [];
  const family = (name: string, type: string, help: string, rows: string[]): void => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...rows);
  };
  const perHook = (fn: (r: PluginRecord, hook: string, stats: ReturnType<PluginRecord['stats']>) => string[]): string[] =>
    records.flatMap((r) => [...r.allStats()].flatMap(([hook, stats]) => fn(r, hook, stats)));
  const hookLabels = (r: PluginRecord, hook: string): string => `plugin="${prometheusLabel(r.name)}",hook="${hook}"`;

  family('knexus_plugin_hook_calls_total', 'counter', 'Hook calls, by plugin and hook.', perHook((r, h, s) => [
    `knexus_plugin_hook_calls_total{${hookLabels(r, h)}} ${s.calls}`,
  ]));
  family('knexus_plugin_hook_errors_total', 'counter', 'Hook calls that threw or rejected.', perHook((r, h, s) => [
    `knexus_plugin_hook_errors_total{${hookLabels(r, h)}} ${s.errors}`,
  ]));
  family('knexus_plugin_hook_timeouts_total', 'counter', 'Hook calls that exceeded hookTimeout.', perHook((r, h, s) => [
    `knexus_plugin_hook_timeouts_total{${hookLabels(r, h)}} ${s.timeouts}`,
  ]));
  family('knexus_plugin_hook_duration_seconds', 'summary', 'Time spent in hook calls.', perHook((r, h, s) => [
    `knexus_plugin_hook_duration_seconds_sum{${hookLabels(r, h)}} ${seconds(s.totalMs)}`,
    `knexus_plugin_hook_duration_seconds_count{${hookLabels(r, h)}} ${s.calls}`,
  ]));
  family(
    'knexus_plugin_load_duration_seconds',
    'gauge',
    'Time the plugin took to import and initialize.',
    records.map((r) => `knexus_plugin_load_duration_seconds{plugin="${prometheusLabel(r.name)}"} ${seconds(r.loadTimeMs)}`),
  );
  family(
    'knexus_plugin_up',
    'gauge',
    '1 while the plugin receives hooks, 0 once disabled.',
    records.map((r) => `knexus_plugin_up{plugin="${prometheusLabel(r.name)}",version="${prometheusLabel(r.version)}"} ${r.state === 'active' ? 1 : 0}`),
  );
  family('knexus_plugin_load_failures_total', 'counter', 'Plugins that failed to load.', [
    `knexus_plugin_load_failures_total ${loadFailures}`,
  ]);
  return `${lines.join('\n')}\n`;
}
