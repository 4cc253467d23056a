import { describe, expect, it, vi } from 'vitest';
import type { AppRegistry } from '../src/index.js';
import { onTestClock } from './support/test-clock.js';
import { useRegistry } from './support/use-registry.js';
import { testPlugin } from './support/test-plugin.js';
import { prometheusFamilies, sampleValue } from './support/prometheus-text.js';

const base = { getStatus: () => ({ custom: 'yes' }) };

describe('plugin metrics', () => {
  const createRegistry = useRegistry();
  let registry: AppRegistry;

  async function setUp(enableMetrics: boolean): Promise<void> {
    registry = createRegistry({ pluginManager: { hookTimeout: 10, enableMetrics } });
    await registry.loadPlugin(
      testPlugin({
        ...base,
        name: 'steady',
        async initialize() {
          await new Promise((resolve) => setTimeout(resolve, 5));
        },
        onHealthCheck: async () => ({ ok: true }),
      }),
    );
    let n = 0;
    await registry.loadPlugin(
      testPlugin({
        ...base,
        name: 'flaky "one"',
        onHealthCheck: () => {
          n++;
          if (n === 1) throw new Error('first call fails');
          if (n === 2) return new Promise<void>(() => {});
          return undefined;
        },
      }),
    );
    for (let i = 0; i < 3; i++) await registry.plugins.dispatch('onHealthCheck', 'app', {} as never);
  }

  it('counts calls, errors, timeouts and durations per plugin and hook, in getStatus() and Prometheus text', async () => {
    await setUp(true);
    const status = registry.plugins.getStatus();
    expect(status.counts).toMatchObject({ total: 2, enabled: 2, disabled: 0, failed: 0 });
    const steady = status.plugins['steady']!;
    expect(steady).toMatchObject({ name: 'steady', version: '1.0.0', status: 'active', details: { custom: 'yes' } });
    expect(steady.loadTimeMs).toBeGreaterThanOrEqual(4);
    expect(steady.metrics.hooks.onHealthCheck).toMatchObject({ calls: 3, errors: 0, timeouts: 0 });
    expect(steady.metrics.hooks.onHealthCheck!.averageMs).toBeCloseTo(steady.metrics.hooks.onHealthCheck!.totalMs / 3);
    const flaky = status.plugins['flaky "one"']!;
    expect(flaky.metrics).toMatchObject({ calls: 3, errors: 1, timeouts: 1 });
    expect(flaky.metrics.lastError).toContain('Timeout (10ms)');
    expect(flaky.metrics.totalMs).toBeGreaterThanOrEqual(9);

    const text = await registry.plugins.metrics();
    const families = prometheusFamilies(text);
    const hook = (plugin: string) => ({ plugin, hook: 'onHealthCheck' });
    expect(families.get('knexus_plugin_hook_calls_total')?.type).toBe('counter');
    expect(sampleValue(families, 'knexus_plugin_hook_calls_total', hook('steady'))).toBe(3);
    expect(sampleValue(families, 'knexus_plugin_hook_errors_total', hook('flaky "one"'))).toBe(1);
    expect(sampleValue(families, 'knexus_plugin_hook_timeouts_total', hook('flaky "one"'))).toBe(1);
    expect(text).toContain('knexus_plugin_hook_errors_total{plugin="flaky \\"one\\"",hook="onHealthCheck"} 1');
    expect(families.get('knexus_plugin_hook_duration_seconds_total')?.type).toBe('counter');
    expect(sampleValue(families, 'knexus_plugin_hook_duration_seconds_total', hook('flaky "one"'))).toBeGreaterThanOrEqual(0.009);
    expect(sampleValue(families, 'knexus_plugin_load_duration_seconds', { plugin: 'steady' })).toBeGreaterThanOrEqual(0.004);
    expect(sampleValue(families, 'knexus_plugin_up', { plugin: 'steady', version: '1.0.0' })).toBe(1);
    expect(sampleValue(families, 'knexus_plugin_load_failures_total', {})).toBe(0);
    // The registry writes the plugin families and its own in one text.
    const all = prometheusFamilies(await registry.metrics());
    expect([...all.keys()]).toEqual(expect.arrayContaining([...families.keys(), 'knexus_apps']));
  });

  it('with enableMetrics: false, durations are not measured and no text is produced; failures still count', async () => {
    await setUp(false);
    expect(await registry.plugins.metrics()).toBe('');
    expect([...prometheusFamilies(await registry.metrics()).keys()].filter((name) => name.startsWith('knexus_plugin_'))).toEqual([]);
    const flaky = registry.plugins.getStatus().plugins['flaky "one"']!;
    expect(flaky.metrics).toMatchObject({ calls: 3, errors: 1, timeouts: 1, totalMs: 0 });
  });

  it("a synchronous throw, and the onOperationFailed calls it starts, are not counted in the next plugin's duration", async () => {
    // On the test's clock: the reporter's 30 ms are 30 ms exactly, and nothing else takes any time.
    await onTestClock(async () => {
      registry = createRegistry({ pluginManager: { hookTimeout: 1_000 } });
      registry.on('error', () => {});
      const throwing = () => {
        throw new Error('boom');
      };
      await registry.loadPlugin(testPlugin({ ...base, name: 'thrower', priority: 0, onHealthCheck: throwing }));
      await registry.loadPlugin(testPlugin({ ...base, name: 'fast', priority: 1, onHealthCheck: () => ({ ok: true }) }));
      await registry.loadPlugin(
        testPlugin({
          ...base,
          name: 'slow-reporter',
          onOperationFailed() {
            vi.advanceTimersByTime(30);
          },
        }),
      );
      await registry.plugins.dispatch('onHealthCheck', 'a', {} as never);
      const hooks = (name: string) => registry.plugins.getStatus().plugins[name]!.metrics.hooks;
      expect(hooks('slow-reporter').onOperationFailed).toMatchObject({ calls: 1 });
      expect(hooks('slow-reporter').onOperationFailed!.totalMs).toBeGreaterThanOrEqual(29);
      expect(hooks('fast').onHealthCheck).toMatchObject({ calls: 1, errors: 0 });
      expect(hooks('fast').onHealthCheck!.totalMs).toBeLessThan(15);
    });
  });
});
