import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { definePlugin, type RegistryErrorEvent } from '../src/index.js';
import { testPlugin } from './support/test-plugin.js';
import { resetProbe, whenRecorded } from './fixtures/plugins/probe.mjs';
import { useRegistry } from './support/use-registry.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'plugins');
const timers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

const memory = () => ({ client: 'better-sqlite3', connection: { filename: ':memory:' } }) as const;

describe('plugin shutdown', () => {
  const createRegistry = useRegistry();

  it('runs in reverse load order; a hung or throwing shutdown() is reported by name and does not block the rest', async () => {
    const registry = createRegistry({ pluginManager: { shutdownTimeout: 25 } });
    const order: string[] = [];
    const errors: RegistryErrorEvent[] = [];
    registry.on('error', (event) => errors.push(event));
    const plugin = (name: string, shutdown: () => void | Promise<void>) => testPlugin({ name, shutdown });
    await registry.loadPlugin(plugin('first', () => void order.push('first')));
    await registry.loadPlugin(plugin('hung', () => new Promise<void>(() => void order.push('hung'))));
    await registry.loadPlugin(
      plugin('thrower', () => {
        order.push('thrower');
        throw new Error('cannot stop');
      }),
    );
    await registry.loadPlugin(plugin('last', async () => void order.push('last')));
    await registry.registerApp('a', { database: memory() });

    const started = performance.now();
    const result = await registry.shutdown();
    const elapsed = performance.now() - started;

    expect(order).toEqual(['last', 'thrower', 'hung', 'first']);
    expect(elapsed).toBeGreaterThanOrEqual(24);
    expect(elapsed).toBeLessThan(1_000);
    expect(result.closed).toEqual(['a']);
    expect(result.errors).toEqual([
      { name: 'thrower', error: expect.stringContaining('cannot stop') },
      { name: 'hung', error: expect.stringContaining('Timeout (25ms)') },
    ]);
    const reported = errors.filter((e) => e.phase === 'shutdown');
    expect(reported.map((e) => [e.pluginName, (e.error as { code?: string }).code])).toEqual([
      ['thrower', 'KNEXUS_ERR_PLUGIN_SHUTDOWN'],
      ['hung', 'KNEXUS_ERR_PLUGIN_TIMEOUT'],
    ]);
    expect(registry.getAllPlugins()).toEqual([]);
  });

  it('is idempotent, and no plugin can load afterwards', async () => {
    const registry = createRegistry();
    let stops = 0;
    await registry.loadPlugin(testPlugin({ name: 'once', shutdown: () => void stops++ }));
    const first = registry.plugins.shutdown();
    expect(registry.plugins.shutdown()).toBe(first);
    await first;
    await registry.shutdown();
    expect(stops).toBe(1);
    await expect(registry.loadPlugin(testPlugin({ name: 'late' }))).rejects.toMatchObject({ code: 'KNEXUS_ERR_SHUTTING_DOWN' });
  });

  it('waits for a load in progress, then shuts that plugin down after its initialize() completes', async () => {
    const probe = resetProbe();
    const registry = createRegistry({
      baseDir: fixtures,
      plugins: { slow: { module: './timed.mjs', config: { name: 'slow', delay: 40 } } },
    });
    const errors: RegistryErrorEvent[] = [];
    registry.on('error', (event) => errors.push(event));
    const initializing = registry.initialize();
    await whenRecorded('start:slow');
    await registry.shutdown();
    expect(probe.events).toEqual(['start:slow', 'end:slow', 'shutdown:slow']);
    const result = await initializing;
    expect(result.loadedPlugins).toEqual([]);
    expect(result.failedPlugins).toEqual([
      {
        name: 'slow',
        error: expect.any(String),
        code: 'KNEXUS_ERR_SHUTTING_DOWN',
        cause: expect.objectContaining({ code: 'KNEXUS_ERR_SHUTTING_DOWN' }),
      },
    ]);
    expect(errors.map((e) => [e.phase, e.pluginName])).toEqual([['load', 'slow']]);
    expect(registry.getAllPlugins()).toEqual([]);
  });

  it('stops waiting for a hung load after shutdownTimeout: the load is aborted and leaves no timer behind', async () => {
    const registry = createRegistry({ pluginManager: { shutdownTimeout: 20, loadTimeout: 60_000 } });
    let entered = (): void => {};
    const initializing = new Promise<void>((resolve) => (entered = resolve));
    let open = (): void => {};
    const gate = new Promise<void>((resolve) => (open = resolve));
    let shutdowns = 0;
    let stopped = (): void => {};
    const shutDown = new Promise<void>((resolve) => (stopped = resolve));
    const before = timers();
    const loading = registry.loadPlugin(
      definePlugin({
        name: 'hung',
        version: '1.0.0',
        async initialize() {
          entered();
          await gate;
        },
        shutdown() {
          shutdowns++;
          stopped();
        },
        getStatus: () => ({}),
      }),
    );
    loading.catch(() => {});
    await initializing;
    const started = performance.now();
    await registry.shutdown();
    expect(performance.now() - started).toBeLessThan(1_000);
    await expect(loading).rejects.toMatchObject({ code: 'KNEXUS_ERR_SHUTTING_DOWN', pluginName: 'hung', phase: 'load' });
    // The 60 s load timer was cleared, so it cannot keep the process alive.
    expect(timers()).toBeLessThanOrEqual(before);
    // If initialize() completes after all, the plugin is still shut down, once.
    open();
    await shutDown;
    expect(shutdowns).toBe(1);
    expect(registry.getAllPlugins()).toEqual([]);
  });
});
