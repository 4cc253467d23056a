import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type AppRegistry, KnexusError, PluginInterface, type AppRegistry as Registry } from '../src/index.js';
import { resetProbe, whenRecorded } from './fixtures/plugins/probe.mjs';
import { useRegistry } from './support/use-registry.js';
import { testPlugin } from './support/test-plugin.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'plugins');

/** A gate a plugin's initialize() waits on, and a promise of its shutdown(). */
function lifecycle() {
  let open = (): void => {};
  const gate = new Promise<void>((resolve) => (open = resolve));
  let stopped = (): void => {};
  const shutDown = new Promise<void>((resolve) => (stopped = resolve));
  let shutdowns = 0;
  return {
    gate,
    open,
    shutDown,
    get shutdowns() {
      return shutdowns;
    },
    shutdown() {
      shutdowns++;
      stopped();
    },
  };
}

describe('load timeouts', () => {
  const createRegistry = useRegistry();
  let registry: AppRegistry | undefined;

  it('fails a config entry after 2 × loadTimeout and never activates it when it finishes later', async () => {
    const probe = resetProbe();
    registry = createRegistry({
      baseDir: fixtures,
      // The budget (2 × 100 ms) must cover resolving and importing the module even on a loaded machine,
      // so the timeout always lands in initialize(), which takes 600 ms.
      plugins: { slow: { module: './timed.mjs', config: { name: 'slow', delay: 600 } } },
      pluginManager: { loadTimeout: 100 },
    });
    const result = await registry.initialize();
    expect(result.loadedPlugins).toEqual([]);
    const error = result.failedPlugins[0]?.cause;
    expect(error).toBeInstanceOf(KnexusError);
    expect(error).toMatchObject({ code: 'KNEXUS_ERR_PLUGIN_TIMEOUT', pluginName: 'slow', module: './timed.mjs', timeoutMs: 200 });
    expect(error?.resolvedPath).toBe(join(fixtures, 'timed.mjs'));
    expect(error?.message).toContain("Timeout (200ms): load configured plugin 'slow'");

    // Its initialize() completes later: it is shut down, not activated.
    await whenRecorded('shutdown:slow');
    expect(probe.events).toEqual(['start:slow', 'end:slow', 'shutdown:slow']);
    expect(registry.getPlugin('slow')).toBeUndefined();
    expect(registry.plugins.has('slow')).toBe(false);
    expect(registry.plugins.getStatus().counts).toMatchObject({ total: 0, enabled: 0, failed: 1 });
  });

  it('a hung plugin frees its slot at the timeout, so the others still load', async () => {
    resetProbe();
    registry = createRegistry({
      baseDir: fixtures,
      plugins: {
        hung: { module: './timed.mjs', config: { name: 'hung', hang: true } },
        fine: { module: './timed.mjs', config: { name: 'fine', delay: 1 } },
      },
      pluginManager: { loadTimeout: 100, concurrency: 1 },
    });
    const result = await registry.initialize();
    expect(result.loadedPlugins).toEqual(['fine']);
    expect(result.failedPlugins.map((f) => [f.name, f.code])).toEqual([['hung', 'KNEXUS_ERR_PLUGIN_TIMEOUT']]);
  });

  it('loadPlugin() gets loadTimeout and rejects with a coded timeout error', async () => {
    let initialized = false;
    let shutdowns = 0;
    let onShutdown = (): void => {};
    const shutDown = new Promise<void>((resolve) => (onShutdown = resolve));
    class Sluggish extends PluginInterface {
      constructor() {
        super('sluggish', '1.0.0');
      }
      async initialize(_registry: Registry, _config: Record<string, unknown>): Promise<void> {
        await new Promise((resolve) => setTimeout(resolve, 40));
        initialized = true;
      }
      override shutdown(): void {
        shutdowns++;
        onShutdown();
      }
      override getStatus(): object {
        return {};
      }
    }
    registry = createRegistry({ pluginManager: { loadTimeout: 15 } });
    const loading = registry.loadPlugin(Sluggish, {});
    await expect(loading).rejects.toMatchObject({ code: 'KNEXUS_ERR_PLUGIN_TIMEOUT', timeoutMs: 15 });
    await expect(loading).rejects.toThrow("Timeout (15ms): load plugin 'sluggish'");
    expect(initialized).toBe(false);
    // initialize() completes later and the plugin is shut down instead of activated.
    await shutDown;
    expect(initialized).toBe(true);
    expect(shutdowns).toBe(1);
    expect(registry.getAllPlugins()).toEqual([]);
  });

  it('a plugin whose load timed out is revoked at once: its listeners and services go, later ones are ignored', async () => {
    registry = createRegistry({ pluginManager: { loadTimeout: 20 } });
    const heard: string[] = [];
    const life = lifecycle();
    const zombie = testPlugin({
      name: 'zombie',
      async initialize(appRegistry: Registry) {
        appRegistry.on('ping', () => heard.push('on'));
        appRegistry.exportService(this, 'zombie-early', { early: true });
        await life.gate;
        appRegistry.on('ping', () => heard.push('late on'));
        appRegistry.addListener('ping', () => heard.push('late addListener'));
        appRegistry.once('ping', () => heard.push('late once'));
        appRegistry.exportService(this, 'zombie-late', { late: true });
      },
      shutdown: () => life.shutdown(),
    });
    await expect(registry.loadPlugin(zombie)).rejects.toMatchObject({ code: 'KNEXUS_ERR_PLUGIN_TIMEOUT', pluginName: 'zombie' });
    registry.emit('ping');
    expect(heard).toEqual([]);
    expect(() => registry!.importService('x', 'zombie-early')).toThrow(expect.objectContaining({ code: 'KNEXUS_ERR_SERVICE_NOT_FOUND' }));
    expect(registry.plugins.getStatus().services).toEqual({});

    // initialize() completes later: what it registers then is ignored, and it is shut down once.
    life.open();
    await life.shutDown;
    registry.emit('ping');
    expect(heard).toEqual([]);
    expect(registry.plugins.getStatus().services).toEqual({});
    expect(life.shutdowns).toBe(1);
    expect(registry.plugins.has('zombie')).toBe(false);
    // The name is free again.
    await expect(registry.loadPlugin(testPlugin({ name: 'zombie' }))).resolves.toMatchObject({ name: 'zombie' });
  });

  it('a reload that times out leaves the old version and its services in place, even when the new one finishes later', async () => {
    registry = createRegistry({ pluginManager: { loadTimeout: 20 } });
    const heard: string[] = [];
    const old = await registry.loadPlugin(
      testPlugin({
        name: 'greeter',
        initialize(appRegistry: Registry) {
          appRegistry.exportService(this, 'greeting', () => 'v1');
        },
      }),
    );
    const life = lifecycle();
    const next = testPlugin({
      name: 'greeter',
      version: '2.0.0',
      async initialize(appRegistry: Registry) {
        appRegistry.exportService(this, 'greeting', () => 'v2 early');
        await life.gate;
        appRegistry.exportService(this, 'greeting', () => 'v2 late');
        appRegistry.on('ping', () => heard.push('v2'));
      },
      shutdown: () => life.shutdown(),
    });
    await expect(registry.reloadPlugin('greeter', next)).rejects.toMatchObject({
      code: 'KNEXUS_ERR_PLUGIN_TIMEOUT',
      pluginName: 'greeter',
    });
    expect(registry.getPlugin('greeter')).toBe(old);
    expect(registry.importService<() => string>('x', 'greeting')()).toBe('v1');

    life.open();
    await life.shutDown;
    expect(life.shutdowns).toBe(1);
    expect(registry.getPlugin('greeter')).toBe(old);
    expect(registry.importService<() => string>('x', 'greeting')()).toBe('v1');
    expect(registry.plugins.getStatus().services).toEqual({ greeting: 'greeter' });
    registry.emit('ping');
    expect(heard).toEqual([]);
  });
});
