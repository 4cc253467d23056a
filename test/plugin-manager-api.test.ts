import { describe, expect, it, onTestFinished } from 'vitest';
import { AppRegistry, PluginManager, type PluginManagerOptions } from '../src/index.js';
import { testPlugin } from './support/test-plugin.js';
import { useRegistry } from './support/use-registry.js';

describe('PluginManager as the spec constructs it', () => {
  const createRegistry = useRegistry();

  it('new PluginManager(appRegistry, options) works on its own: get, getAll, has, getStatus', async () => {
    const registry = createRegistry();
    const manager = new PluginManager(registry, { loadTimeout: 30_000, shutdownTimeout: 15_000, enableMetrics: true });
    onTestFinished(() => manager.shutdown().then(() => undefined));
    expect(manager.options).toMatchObject({
      loadTimeout: 30_000,
      shutdownTimeout: 15_000,
      hookTimeout: 5_000,
      concurrency: 3,
      enableMetrics: true,
      baseDir: process.cwd(),
    });
    expect(Object.isFrozen(manager.options)).toBe(true);
    const plugin = await manager.load(testPlugin({ name: 'solo' }));
    expect(manager.get('solo')).toBe(plugin);
    expect(manager.has('solo')).toBe(true);
    expect(manager.has('other')).toBe(false);
    expect(manager.getAll()).toEqual([plugin]);
    const status = manager.getStatus();
    expect(`${status.counts.enabled}/${status.counts.total} plugins enabled`).toBe('1/1 plugins enabled');
    // The registry's own manager is a different one.
    expect(registry.plugins).not.toBe(manager);
    expect(registry.getPlugin('solo')).toBeUndefined();
    await manager[Symbol.asyncDispose]();
    expect(manager.getAll()).toEqual([]);
    await registry.shutdown();
  });

  it('the registry builds its manager from the pluginManager options, which are validated', () => {
    const registry = createRegistry({ pluginManager: { hookTimeout: 250, concurrency: 5 } });
    expect(registry.plugins).toBeInstanceOf(PluginManager);
    expect(registry.plugins.options).toMatchObject({ hookTimeout: 250, concurrency: 5, loadTimeout: 30_000 });
    expect(() => new AppRegistry({ pluginManager: { concurrency: 0 } })).toThrow(
      expect.objectContaining({ code: 'KNEXUS_ERR_INVALID_CONFIG', field: 'pluginManager.concurrency' }),
    );
    expect(() => new AppRegistry({ pluginManager: { hookTimeout: -1 } })).toThrow(
      expect.objectContaining({ code: 'KNEXUS_ERR_INVALID_CONFIG', field: 'pluginManager.hookTimeout' }),
    );
    // hookTimeout 0 means no timeout; a load or shutdown with no time at all would always fail.
    expect(createRegistry({ pluginManager: { hookTimeout: 0 } }).plugins.options.hookTimeout).toBe(0);
    expect(() => new AppRegistry({ pluginManager: { shutdownTimeout: 0 } })).toThrow(
      expect.objectContaining({ code: 'KNEXUS_ERR_INVALID_CONFIG', field: 'pluginManager.shutdownTimeout' }),
    );
  });

  it('rejects an unknown pluginManager option, naming it, so a typo does not pass silently', () => {
    const typo = { hookTimout: 100 } as unknown as PluginManagerOptions;
    expect(() => new AppRegistry({ pluginManager: typo })).toThrow(
      expect.objectContaining({ code: 'KNEXUS_ERR_INVALID_CONFIG', field: 'pluginManager.hookTimout' }),
    );
    expect(() => new PluginManager(createRegistry(), typo)).toThrow(
      expect.objectContaining({ message: expect.stringContaining('hookTimeout') }),
    );
  });

  it('a second load of a name that is still loading says it is loading, not loaded', async () => {
    const registry = createRegistry();
    let open = (): void => {};
    const gate = new Promise<void>((resolve) => (open = resolve));
    const first = registry.loadPlugin(testPlugin({ name: 'slow', initialize: () => gate }));
    await expect(registry.loadPlugin(testPlugin({ name: 'slow' }))).rejects.toMatchObject({
      code: 'KNEXUS_ERR_PLUGIN_EXISTS',
      message: expect.stringContaining("Plugin 'slow' is loading"),
    });
    open();
    await first;
    await expect(registry.loadPlugin(testPlugin({ name: 'slow' }))).rejects.toMatchObject({
      code: 'KNEXUS_ERR_PLUGIN_EXISTS',
      message: expect.stringContaining("Plugin 'slow' is already loaded"),
    });
    await registry.shutdown();
  });

  it('abortHooks() aborts the signal of every hook call still running, and their dispatches resolve', async () => {
    const registry = createRegistry({ pluginManager: { hookTimeout: 10_000 } });
    const signals: AbortSignal[] = [];
    await registry.loadPlugin(
      testPlugin({
        name: 'waiting',
        onHealthCheck(_app, _report, { signal }) {
          signals.push(signal);
          return new Promise<void>(() => {});
        },
      }),
    );
    const dispatches = [
      registry.plugins.dispatch('onHealthCheck', 'a', {} as never),
      registry.plugins.dispatch('onHealthCheck', 'b', {} as never),
    ];
    const reason = new Error('registry shutting down');
    registry.plugins.abortHooks(reason);
    expect(signals.map((s) => [s.aborted, s.reason])).toEqual([
      [true, reason],
      [true, reason],
    ]);
    await expect(Promise.all(dispatches)).resolves.toEqual([new Map(), new Map()]);
    expect(registry.plugins.getStatus().plugins['waiting']?.metrics.hooks.onHealthCheck).toMatchObject({
      calls: 2,
      timeouts: 0,
      errors: 0,
    });
    await registry.shutdown();
  });
});
