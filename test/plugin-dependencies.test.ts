import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { AppRegistry, PluginEntry } from '../src/index.js';
import { resetProbe } from './fixtures/plugins/probe.mjs';
import { useRegistry } from './support/use-registry.js';
import { testPlugin } from './support/test-plugin.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'plugins');
const timed = (name: string, config: Record<string, unknown> = {}): PluginEntry => ({
  module: './timed.mjs',
  config: { name, delay: 5, ...config },
});

describe('plugin dependencies', () => {
  const createRegistry = useRegistry();
  let registry: AppRegistry | undefined;

  it('initializes a plugin only after its dependencies loaded, whatever the config order', async () => {
    const probe = resetProbe();
    registry = createRegistry({
      baseDir: fixtures,
      plugins: {
        app: timed('app', { dependencies: { db: '^1.2.0', cache: '>=2' } }),
        db: timed('db', { version: '1.4.0', delay: 20 }),
        cache: timed('cache', { version: '2.0.0', dependencies: ['db'] }),
        other: timed('other'),
      },
    });
    const result = await registry.initialize();
    expect(result.failedPlugins).toEqual([]);
    const at = (event: string): number => probe.events.indexOf(event);
    expect(at('start:cache')).toBeGreaterThan(at('end:db'));
    expect(at('start:app')).toBeGreaterThan(at('end:db'));
    expect(at('start:app')).toBeGreaterThan(at('end:cache'));
    // A plugin without dependencies does not wait for the others.
    expect(at('start:other')).toBeLessThan(at('end:db'));
    expect(result.loadedPlugins).toEqual(['app', 'db', 'cache', 'other']);
    // Shutdown runs in reverse load order: dependents first.
    const order = registry.getAllPlugins().map((p) => p.name);
    expect(order.indexOf('app')).toBeGreaterThan(order.indexOf('cache'));
    expect(order.indexOf('cache')).toBeGreaterThan(order.indexOf('db'));
  });

  it('fails a cycle (naming it), its dependents, missing dependencies and versions out of range; the rest loads', async () => {
    resetProbe();
    registry = createRegistry({
      baseDir: fixtures,
      plugins: {
        x: timed('x', { dependencies: ['y'] }),
        y: timed('y', { dependencies: ['x'] }),
        z: timed('z', { dependencies: ['x'] }),
        self: timed('self', { dependencies: ['self'] }),
        lonely: timed('lonely', { dependencies: { ghost: '^1.0.0' } }),
        old: timed('old', { version: '1.5.0' }),
        picky: timed('picky', { dependencies: { old: '^2.0.0' } }),
        broken: { module: './no-initialize.mjs' },
        needsBroken: timed('needsBroken', { dependencies: ['broken'] }),
        fine: timed('fine'),
      },
    });
    const result = await registry.initialize();
    expect(result.loadedPlugins).toEqual(['old', 'fine']);
    const errors = Object.fromEntries(result.failedPlugins.map((f) => [f.name, f.cause]));
    expect(errors['x']).toMatchObject({ code: 'KNEXUS_ERR_PLUGIN_CYCLE', pluginName: 'x' });
    expect(errors['x']?.message).toContain('x -> y -> x');
    expect(errors['y']?.message).toContain('y -> x -> y');
    expect(errors['self']?.message).toContain('self -> self');
    expect(errors['z']).toMatchObject({ code: 'KNEXUS_ERR_PLUGIN_DEPENDENCY', pluginName: 'z', module: './timed.mjs' });
    expect(errors['z']?.message).toContain("requires 'x', which failed to load");
    expect(errors['lonely']).toMatchObject({ code: 'KNEXUS_ERR_PLUGIN_DEPENDENCY' });
    expect(errors['lonely']?.message).toContain("'ghost' (^1.0.0)");
    expect(errors['picky']?.message).toContain("requires 'old' ^2.0.0, but version 1.5.0 is loaded");
    expect(errors['needsBroken']?.message).toContain("'broken'");
    expect(errors['needsBroken']?.message).toContain('Plugin must implement initialize() method');
  });

  it('loadPlugin() requires dependencies to be loaded already, at a satisfying version', async () => {
    registry = createRegistry();
    const dependent = testPlugin({ name: 'dependent', dependencies: { core: '^1.0.0' } });
    await expect(registry.loadPlugin(dependent)).rejects.toMatchObject({ code: 'KNEXUS_ERR_PLUGIN_DEPENDENCY', pluginName: 'dependent' });
    await registry.loadPlugin(testPlugin({ name: 'core', version: '1.3.0' }));
    await expect(registry.loadPlugin(dependent)).resolves.toBe(dependent);
    await expect(registry.loadPlugin(testPlugin({ name: 'strict', dependencies: { core: '~1.2.0' } }))).rejects.toThrow(
      "requires 'core' ~1.2.0, but version 1.3.0 is loaded",
    );
  });

  it('a dependency turned off with enabled: false is reported as disabled, not missing', async () => {
    resetProbe();
    registry = createRegistry({
      baseDir: fixtures,
      plugins: {
        app: timed('app', { dependencies: { db: '^1.0.0' } }),
        db: { ...timed('db'), enabled: false },
      },
    });
    const result = await registry.initialize();
    expect(result.loadedPlugins).toEqual([]);
    const error = result.failedPlugins.find((f) => f.name === 'app')?.cause;
    expect(error).toMatchObject({
      code: 'KNEXUS_ERR_PLUGIN_DEPENDENCY',
      pluginName: 'app',
      details: { dependency: 'db', disabled: true, range: '^1.0.0' },
    });
    expect(error?.message).toContain("requires 'db' (^1.0.0), which is disabled in the plugins config (enabled: false)");
    // A manual load is told the same.
    await expect(registry.loadPlugin(testPlugin({ name: 'manual', dependencies: ['db'] }))).rejects.toMatchObject({
      code: 'KNEXUS_ERR_PLUGIN_DEPENDENCY',
      details: { dependency: 'db', disabled: true },
    });
  });
});
