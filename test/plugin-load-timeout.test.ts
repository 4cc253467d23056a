import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { AppRegistry, KnexusError, PluginInterface, type AppRegistry as Registry } from '../src/index.js';
import { resetProbe, whenRecorded } from './fixtures/plugins/probe.mjs';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'plugins');

describe('load timeouts', () => {
  let registry: AppRegistry | undefined;
  afterEach(async () => {
    await registry?.shutdown();
    registry = undefined;
  });

  it('fails a config entry after 2 × loadTimeout and never activates it when it finishes later', async () => {
    const probe = resetProbe();
    registry = new AppRegistry({
      baseDir: fixtures,
      plugins: { slow: { module: './timed.mjs', config: { name: 'slow', delay: 60 } } },
      pluginManager: { loadTimeout: 10 },
    });
    const result = await registry.initialize();
    expect(result.loadedPlugins).toEqual([]);
    const error = result.failedPlugins[0]?.error;
    expect(error).toBeInstanceOf(KnexusError);
    expect(error).toMatchObject({ code: 'KNEXUS_ERR_PLUGIN_TIMEOUT', pluginName: 'slow', module: './timed.mjs', timeoutMs: 20 });
    expect(error?.resolvedPath).toBe(join(fixtures, 'timed.mjs'));
    expect(error?.message).toContain("Timeout (20ms): load configured plugin 'slow'");

    // Its initialize() completes later: it is shut down, not activated.
    await whenRecorded('shutdown:slow');
    expect(probe.events).toEqual(['start:slow', 'end:slow', 'shutdown:slow']);
    expect(registry.getPlugin('slow')).toBeUndefined();
    expect(registry.plugins.has('slow')).toBe(false);
    expect(registry.plugins.getStatus().counts).toMatchObject({ total: 0, enabled: 0, failed: 1 });
  });

  it('a hung plugin frees its slot at the timeout, so the others still load', async () => {
    resetProbe();
    registry = new AppRegistry({
      baseDir: fixtures,
      plugins: {
        hung: { module: './timed.mjs', config: { name: 'hung', hang: true } },
        fine: { module: './timed.mjs', config: { name: 'fine', delay: 1 } },
      },
      pluginManager: { loadTimeout: 10, concurrency: 1 },
    });
    const result = await registry.initialize();
    expect(result.loadedPlugins).toEqual(['fine']);
    expect(result.failedPlugins.map((f) => [f.name, f.error.code])).toEqual([['hung', 'KNEXUS_ERR_PLUGIN_TIMEOUT']]);
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
      shutdown(): void {
        shutdowns++;
        onShutdown();
      }
      getStatus(): unknown {
        return {};
      }
    }
    registry = new AppRegistry({ pluginManager: { loadTimeout: 15 } });
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
});
