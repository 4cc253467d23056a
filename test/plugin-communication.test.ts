import { describe, expect, it } from 'vitest';
import type { AppRegistry, AppRegistry as Registry } from '../src/index.js';
import { useRegistry } from './support/use-registry.js';
import { testPlugin } from './support/test-plugin.js';

describe('plugins talking to each other', () => {
  const createRegistry = useRegistry();
  let registry: AppRegistry;

  it('through registry events: emit in one plugin, on in another', async () => {
    registry = createRegistry();
    const heard: unknown[] = [];
    await registry.loadPlugin(
      testPlugin({
        name: 'listener',
        initialize(appRegistry: Registry) {
          appRegistry.on('plugin-a-ready', (event: unknown) => heard.push(event));
        },
      }),
    );
    await registry.loadPlugin(
      testPlugin({
        name: 'announcer',
        initialize(appRegistry: Registry) {
          appRegistry.emit('plugin-a-ready', { data: 'hello' });
        },
      }),
    );
    expect(heard).toEqual([{ data: 'hello' }]);
  });

  it('through services: export by one plugin, import by a dependent; names are owned', async () => {
    registry = createRegistry();
    await registry.loadPlugin(
      testPlugin({
        name: 'cache',
        initialize(appRegistry: Registry) {
          const store = new Map<string, number>();
          appRegistry.exportService(this, 'cache', { get: (k: string) => store.get(k), set: (k: string, v: number) => store.set(k, v) });
        },
      }),
    );
    let fromCache: number | undefined;
    await registry.loadPlugin(
      testPlugin({
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
        testPlugin({
          name: 'squatter',
          initialize(appRegistry: Registry) {
            appRegistry.exportService(this, 'cache', {});
          },
        }),
      ),
    ).rejects.toMatchObject({
      code: 'KNEXUS_ERR_PLUGIN_INIT_FAILED',
      cause: expect.objectContaining({ code: 'KNEXUS_ERR_PLUGIN_EXISTS' }),
    });
    expect(() => registry.importService('consumer', 'nothing')).toThrow(
      expect.objectContaining({ code: 'KNEXUS_ERR_SERVICE_NOT_FOUND', pluginName: 'consumer' }),
    );
  });

  it('plugin-loaded events announce each plugin', async () => {
    registry = createRegistry();
    const loaded: unknown[] = [];
    registry.on('plugin-loaded', (event) => loaded.push(event));
    await registry.loadPlugin(testPlugin({ name: 'announced' }));
    expect(loaded).toEqual([{ name: 'announced', version: '1.0.0', loadTimeMs: expect.any(Number), module: undefined }]);
    await expect(registry.loadPlugin(testPlugin({ name: 'announced' }))).rejects.toMatchObject({
      code: 'KNEXUS_ERR_PLUGIN_EXISTS',
    });
  });
});
