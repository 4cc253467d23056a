import type { Registry } from 'prom-client';
import type { PluginRecord } from '../plugin-record.js';

type PromClient = typeof import('prom-client');

function seconds(ms: number): number {
  return ms / 1000;
}

/**
 * Adds the plugin and hook families to `register` (a prom-client Registry, so the text format is written by one
 * writer): calls, errors, timeouts and seconds spent per plugin and hook, load time and state per plugin, and
 * failed loads. Hook time is a counter of seconds (`rate(…_seconds_total) / rate(…_calls_total)` is the mean),
 * since the manager keeps totals, not the observations a summary or histogram would need.
 */
export function renderPluginMetrics(client: PromClient, register: Registry, records: readonly PluginRecord[], loadFailures: number): void {
  const registers = [register];
  const hookLabels = ['plugin', 'hook'] as const;
  const calls = new client.Counter({
    name: 'knexus_plugin_hook_calls_total',
    help: 'Hook calls, by plugin and hook.',
    labelNames: hookLabels,
    registers,
  });
  const errors = new client.Counter({
    name: 'knexus_plugin_hook_errors_total',
    help: 'Hook calls that threw or rejected.',
    labelNames: hookLabels,
    registers,
  });
  const timeouts = new client.Counter({
    name: 'knexus_plugin_hook_timeouts_total',
    help: 'Hook calls that exceeded their hook timeout.',
    labelNames: hookLabels,
    registers,
  });
  const spent = new client.Counter({
    name: 'knexus_plugin_hook_duration_seconds_total',
    help: 'Time spent in hook calls, by plugin and hook.',
    labelNames: hookLabels,
    registers,
  });
  const loadTime = new client.Gauge({
    name: 'knexus_plugin_load_duration_seconds',
    help: 'Time the plugin took to import and initialize.',
    labelNames: ['plugin'] as const,
    registers,
  });
  const up = new client.Gauge({
    name: 'knexus_plugin_up',
    help: '1 while the plugin receives hooks, 0 once disabled.',
    labelNames: ['plugin', 'version'] as const,
    registers,
  });
  const failures = new client.Counter({ name: 'knexus_plugin_load_failures_total', help: 'Plugins that failed to load.', registers });

  for (const record of records) {
    for (const [hook, stats] of record.allStats()) {
      const labels = { plugin: record.name, hook };
      calls.inc(labels, stats.calls);
      errors.inc(labels, stats.errors);
      timeouts.inc(labels, stats.timeouts);
      spent.inc(labels, seconds(stats.totalMs));
    }
    loadTime.set({ plugin: record.name }, seconds(record.loadTimeMs));
    up.set({ plugin: record.name, version: record.version }, record.state === 'active' ? 1 : 0);
  }
  failures.inc(loadFailures);
}
