import { describe, expect, it, vi } from 'vitest';
import type { AppRegistry } from '../src/index.js';
import { onTestClock } from './support/test-clock.js';
import { useRegistry } from './support/use-registry.js';
import { testPlugin } from './support/test-plugin.js';

const failing = (name: string, counter: { calls: number }) =>
  testPlugin({
    name,
    onHealthCheck() {
      counter.calls++;
      throw new Error(`${name} fails`);
    },
  });

describe('error threshold', () => {
  const createRegistry = useRegistry();
  let registry: AppRegistry;

  it('disables a plugin after maxErrors.count failures within the window and emits plugin-disabled', async () => {
    registry = createRegistry({ pluginManager: { maxErrors: { count: 3, windowMs: 60_000 } } });
    const disabled: unknown[] = [];
    registry.on('plugin-disabled', (event) => disabled.push(event));
    const bad = { calls: 0 };
    await registry.loadPlugin(failing('bad', bad));
    await registry.loadPlugin(testPlugin({ name: 'good', onHealthCheck: () => ({ fine: true }) }));

    for (let i = 0; i < 2; i++) await registry.plugins.dispatch('onHealthCheck', 'app', {} as never);
    expect(disabled).toEqual([]);
    await registry.plugins.dispatch('onHealthCheck', 'app', {} as never);
    expect(disabled).toEqual([
      { name: 'bad', errors: 3, windowMs: 60_000, lastError: expect.objectContaining({ code: 'KNEXUS_ERR_PLUGIN_HOOK_FAILED' }) },
    ]);

    const results = await registry.plugins.dispatch('onHealthCheck', 'app', {} as never);
    expect(bad.calls).toBe(3);
    expect([...results.keys()]).toEqual(['good']);
    const status = registry.plugins.getStatus();
    expect(status.counts).toMatchObject({ total: 2, enabled: 1, disabled: 1 });
    expect(status.plugins['bad']?.status).toBe('disabled');
    expect(await registry.plugins.metrics()).toContain('knexus_plugin_up{plugin="bad",version="1.0.0"} 0');
    // A disabled plugin is still loaded, and is shut down with the rest.
    expect(registry.getPlugin('bad')).toBeDefined();
  });

  it('failures spread wider than the window do not disable the plugin', async () => {
    // On the test's clock: the second and third failures are exactly 0 ms apart, however loaded the machine.
    await onTestClock(async () => {
      registry = createRegistry({ pluginManager: { maxErrors: { count: 2, windowMs: 15 } } });
      const disabled: unknown[] = [];
      registry.on('plugin-disabled', (event) => disabled.push(event));
      const bad = { calls: 0 };
      await registry.loadPlugin(failing('sporadic', bad));
      await registry.plugins.dispatch('onHealthCheck', 'app', {} as never);
      await vi.advanceTimersByTimeAsync(25);
      await registry.plugins.dispatch('onHealthCheck', 'app', {} as never);
      expect(disabled).toEqual([]);
      await registry.plugins.dispatch('onHealthCheck', 'app', {} as never);
      expect(disabled).toHaveLength(1);
    });
  });
});
