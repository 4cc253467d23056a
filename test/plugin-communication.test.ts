import { afterEach, describe, expect, it } from 'vitest';
import { AppRegistry, definePlugin, type AppRegistry as Registry } from '../src/index.js';

const base = { version: '1.0.0', initialize() {}, shutdown() {}, getStatus: () => ({}) };

describe('plugins talking to each other', () => {
  let registry: AppRegistry;
  afterEach(async () => {
    await registry.shutdown();
  });

  it('through registry events: emit in one plugin, on in another', async () => {
    registry = new AppRegistry();
    const heard: unknown[] = [];
    await registry.loadPlugin(
      definePlugin({
        ...base,
        name: 'listener',
        initialize(appRegistry: Registry) {
          appRegistry.on('plugin-a-ready', (event: unknown) => heard.push(event));
        },
      }),
    );
    await registry.loadPlugin(
      definePlugin({
        ...base,
        name: 'announcer',
        initialize(appRegistry: Registry) {
          appRegistry.emit('plugin-a-ready', { data: 'hello' });
        },
      }),
    );
    expect(heard).toEqual([{ data: 'hello' }]);
  });

  it('through services: export by one plugin, import by a dependent; names are owned', async () => {
    registry = new AppRegistry();
    await registry.loadPlugin(
      definePlugin({
        ...base,
        name: 'cache',
        initialize(appRegistry: Registry) {
          const store = new Map<string, number>();
          appRegistry.exportService(this, 'cache', { get: (k: string) => store.get(k), set: (k: string, v: number) => store.set(k, v) });
        },
      }),
    );
    let fromCache: number | undefined;
    await registry.loadPlugin(
      definePlugin({
        ...base,
        name: 'consumer',
        dependencies: ['cache'],
        initialize(appRegistry: Registry) {
          const cache = appRegistry.importService<{ get(k: string): number | undefined; set(k: string, v: number): void }>(this, 'cache');
          cache.set('answer', 42);
          fromCache = cache.get('answer');
        },
      }),
    );
    expect(fromCache).toBe(42);
    expect(registry.plugins.getStatus().services).toEqual({ cache: 'cache' });

    await expect(
      registry.loadPlugin(
        definePlugin({
          ...base,
          name: 'squatter',
          initialize(appRegistry: Registry) {
            appRegistry.exportService(this, 'cache', {});
          },
        }),
      ),
    ).rejects.toMatchObject({ code: 'KNEXUS_ERR_PLUGIN_INIT_FAILED', cause: expect.objectContaining({ code: 'KNEXUS_ERR_PLUGIN_EXISTS' }) });
    expect(() => registry.importService('consumer', 'nothing')).toThrow(
      expect.objectContaining({ code: 'KNEXUS_ERR_SERVICE_NOT_FOUND', pluginName: 'consumer' }),
    );
  });

  it('plugin-loaded events announce each plugin', async () => {
    registry = new AppRegistry();
    const loaded: unknown[] = [];
    registry.on('plugin-loaded', (event) => loaded.push(event));
    await registry.loadPlugin(definePlugin({ ...base, name: 'announced' }));
    expect(loaded).toEqual([{ name: 'announced', version: '1.0.0', loadTimeMs: expect.any(Number), module: undefined }]);
    await expect(registry.loadPlugin(definePlugin({ ...base, name: 'announced' }))).rejects.toMatchObject({
      code: 'KNEXUS_ERR_PLUGIN_EXISTS',
    });
  });
});
