import { describe, expect, it, vi } from 'vitest';
import type { AppRegistry, AppRegistry as Registry, RegistryErrorEvent } from '../src/index.js';
import { onTestClock } from './support/test-clock.js';
import { useRegistry } from './support/use-registry.js';
import { testPlugin } from './support/test-plugin.js';

describe('unloading a plugin', () => {
  const createRegistry = useRegistry();
  let registry: AppRegistry;

  it('removes its hooks, registry listeners and services, calls shutdown() once, and leaves other plugins alone', async () => {
    registry = createRegistry();
    const received: string[] = [];
    let shutdowns = 0;
    const chatty = testPlugin({
      name: 'chatty',
      initialize(appRegistry: Registry) {
        appRegistry.on('custom', () => received.push('chatty:on'));
        appRegistry.addListener('custom', () => received.push('chatty:addListener'));
        appRegistry.once('custom-once', () => received.push('chatty:once'));
        appRegistry.exportService(this, 'greeter', { greet: () => 'hello' });
      },
      shutdown() {
        shutdowns++;
      },
      onHealthCheck: () => ({ alive: true }),
    });
    const neighbour = testPlugin({
      name: 'neighbour',
      initialize(appRegistry: Registry) {
        appRegistry.on('custom', () => received.push('neighbour'));
      },
    });
    await registry.loadPlugin(chatty);
    await registry.loadPlugin(neighbour);
    const unloaded: unknown[] = [];
    registry.on('plugin-unloaded', (event) => unloaded.push(event));

    registry.emit('custom');
    expect(received).toEqual(['chatty:on', 'chatty:addListener', 'neighbour']);
    expect(registry.importService<{ greet(): string }>('neighbour', 'greeter').greet()).toBe('hello');
    expect(registry.plugins.handles('onHealthCheck')).toBe(true);

    await expect(registry.unloadPlugin('chatty')).resolves.toBe(true);
    received.length = 0;
    registry.emit('custom');
    registry.emit('custom-once');
    expect(received).toEqual(['neighbour']);
    expect(registry.listenerCount('custom-once')).toBe(0);
    expect(registry.plugins.handles('onHealthCheck')).toBe(false);
    expect(() => registry.importService('neighbour', 'greeter')).toThrow(expect.objectContaining({ code: 'KNEXUS_ERR_SERVICE_NOT_FOUND' }));
    expect(shutdowns).toBe(1);
    expect(registry.getPlugin('chatty')).toBeUndefined();
    expect(unloaded).toEqual([{ name: 'chatty', version: '1.0.0', purgedData: false, error: undefined }]);
    await expect(registry.unloadPlugin('chatty')).resolves.toBe(false);
  });

  it("a plugin's removeAllListeners() removes only its own listeners", async () => {
    registry = createRegistry();
    const received: string[] = [];
    registry.on('custom', () => received.push('host'));
    await registry.loadPlugin(
      testPlugin({
        name: 'tidy',
        initialize(appRegistry: Registry) {
          appRegistry.on('custom', () => received.push('tidy'));
          appRegistry.removeAllListeners('custom');
          appRegistry.removeAllListeners();
        },
      }),
    );
    registry.emit('custom');
    expect(received).toEqual(['host']);
  });

  it('waits for the plugin’s running hook calls before calling shutdown()', async () => {
    registry = createRegistry({ pluginManager: { hookTimeout: 1_000 } });
    const events: string[] = [];
    let release = (): void => {};
    let entered = (): void => {};
    const inHook = new Promise<void>((resolve) => (entered = resolve));
    await registry.loadPlugin(
      testPlugin({
        name: 'busy',
        onHealthCheck() {
          entered();
          return new Promise<void>((resolve) => {
            release = () => {
              events.push('hook done');
              resolve();
            };
          });
        },
        shutdown() {
          events.push('shutdown');
        },
      }),
    );
    const dispatching = registry.plugins.dispatch('onHealthCheck', 'x', {} as never);
    await inHook;
    const unloading = registry.unloadPlugin('busy');
    await Promise.resolve();
    expect(events).toEqual([]);
    release();
    await unloading;
    await dispatching;
    expect(events).toEqual(['hook done', 'shutdown']);
  });

  it('is bounded: a hung hook (hookTimeout) and a hung shutdown() (shutdownTimeout) cannot block it', async () => {
    // On the test's clock: both budgets (15 + 20 ms) pass exactly, however late a loaded machine's timers are.
    await onTestClock(async () => {
      registry = createRegistry({ pluginManager: { hookTimeout: 15, shutdownTimeout: 20 } });
      const errors: RegistryErrorEvent[] = [];
      registry.on('error', (event) => errors.push(event));
      await registry.loadPlugin(
        testPlugin({
          name: 'stuck',
          onHealthCheck: () => new Promise<void>(() => {}),
          shutdown: () => new Promise<void>(() => {}),
        }),
      );
      void registry.plugins.dispatch('onHealthCheck', 'x', {} as never);
      const started = performance.now();
      let unloadedAt = Number.NaN;
      const unloading = registry.unloadPlugin('stuck').then((unloaded) => ((unloadedAt = performance.now()), unloaded));
      await vi.advanceTimersByTimeAsync(500);
      await expect(unloading).resolves.toBe(true);
      expect(unloadedAt - started).toBeLessThan(500);
      expect(errors.find((e) => e.phase === 'shutdown')).toMatchObject({
        component: 'PluginManager',
        pluginName: 'stuck',
        error: { code: 'KNEXUS_ERR_PLUGIN_TIMEOUT', timeoutMs: 20 },
      });
      expect(registry.plugins.has('stuck')).toBe(false);
    });
  });
});
