import { describe, expect, it } from 'vitest';
import { AppRegistry, definePlugin, PLUGIN_MANAGER_DEFAULTS, PluginManager } from '../src/index.js';

const base = { version: '1.0.0', initialize() {}, shutdown() {}, getStatus: () => ({}) };

describe('PluginManager as the spec constructs it', () => {
  it('new PluginManager(appRegistry, options) works on its own: get, getAll, has, getStatus', async () => {
    const registry = new AppRegistry();
    const manager = new PluginManager(registry, { loadTimeout: 30_000, shutdownTimeout: 15_000, enableMetrics: true });
    expect(manager.options).toMatchObject({ ...PLUGIN_MANAGER_DEFAULTS, baseDir: process.cwd() });
    expect(Object.isFrozen(manager.options)).toBe(true);
    const plugin = await manager.load(definePlugin({ ...base, name: 'solo' }));
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
    const registry = new AppRegistry({ pluginManager: { hookTimeout: 250, concurrency: 5 } });
    expect(registry.plugins).toBeInstanceOf(PluginManager);
    expect(registry.plugins.options).toMatchObject({ hookTimeout: 250, concurrency: 5, loadTimeout: 30_000 });
    expect(() => new AppRegistry({ pluginManager: { concurrency: 0 } })).toThrow(
      expect.objectContaining({ code: 'KNEXUS_ERR_INVALID_CONFIG', field: 'pluginManager.concurrency' }),
    );
    expect(() => new AppRegistry({ pluginManager: { hookTimeout: -1 } })).toThrow(
      expect.objectContaining({ code: 'KNEXUS_ERR_INVALID_CONFIG', field: 'pluginManager.hookTimeout' }),
    );
  });
});
