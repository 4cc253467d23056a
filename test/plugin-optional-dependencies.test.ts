// optionalDependencies order loading when present and are ignored when absent; a declared knexus range is checked at load.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type AppRegistry, PluginInterface, type PluginEntry } from '../src/index.js';
import { resetProbe } from './fixtures/plugins/probe.mjs';
import { useRegistry } from './support/use-registry.js';
import { testPlugin } from './support/test-plugin.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'plugins');
const timed = (name: string, config: Record<string, unknown> = {}): PluginEntry => ({
  module: './timed.mjs',
  config: { name, delay: 5, ...config },
});

describe('optional dependencies and the knexus range', () => {
  const createRegistry = useRegistry();
  let registry: AppRegistry | undefined;

  it('waits for a present optional dependency, ignores an absent or failed one', async () => {
    const probe = resetProbe();
    registry = createRegistry({
      baseDir: fixtures,
      plugins: {
        cache: timed('cache', { optionalDependencies: { metrics: '^2.0.0', tracing: '*', broken: '*' } }),
        metrics: timed('metrics', { version: '2.1.0', delay: 20 }),
        broken: timed('broken', { fail: true }),
      },
    });
    const result = await registry.initialize();
    expect(result.loadedPlugins).toEqual(['cache', 'metrics']);
    expect(result.failedPlugins.map((f) => [f.name, f.code])).toEqual([['broken', 'KNEXUS_ERR_PLUGIN_INIT_FAILED']]);
    const at = (event: string): number => probe.events.indexOf(event);
    expect(at('start:cache')).toBeGreaterThan(at('end:metrics'));
    expect(at('start:cache')).toBeGreaterThan(at('end:broken'));
  });

  it('a present optional dependency outside the declared range fails the load', async () => {
    registry = createRegistry({
      baseDir: fixtures,
      plugins: {
        cache: timed('cache', { optionalDependencies: { metrics: '^3.0.0' } }),
        metrics: timed('metrics', { version: '2.1.0' }),
      },
    });
    const result = await registry.initialize();
    expect(result.failedPlugins.map((f) => [f.name, f.code])).toEqual([['cache', 'KNEXUS_ERR_PLUGIN_DEPENDENCY']]);
    expect(result.failedPlugins[0]?.cause).toMatchObject({ details: { dependency: 'metrics', range: '^3.0.0', version: '2.1.0' } });
  });

  it('manual loads: an absent optional dependency is fine, a present one is version-checked', async () => {
    registry = createRegistry();
    await expect(registry.loadPlugin(testPlugin({ name: 'a', optionalDependencies: ['nowhere'] }))).resolves.toMatchObject({ name: 'a' });
    await registry.loadPlugin(testPlugin({ name: 'old', version: '1.0.0' }));
    await expect(registry.loadPlugin(testPlugin({ name: 'b', optionalDependencies: { old: '>=2' } }))).rejects.toMatchObject({
      code: 'KNEXUS_ERR_PLUGIN_DEPENDENCY',
      details: { dependency: 'old', range: '>=2', version: '1.0.0' },
    });
  });

  it('a knexus range the running version does not satisfy is KNEXUS_ERR_PLUGIN_INCOMPATIBLE', async () => {
    registry = createRegistry();
    class Future extends PluginInterface {
      static readonly knexus = '>=99.0.0';
      constructor() {
        super('future', '1.0.0');
      }
      initialize() {}
    }
    await expect(registry.loadPlugin(Future)).rejects.toMatchObject({
      code: 'KNEXUS_ERR_PLUGIN_INCOMPATIBLE',
      pluginName: 'future',
      details: { range: '>=99.0.0', knexus: expect.stringMatching(/^\d+\.\d+\.\d+/) },
    });
    await expect(registry.loadPlugin(testPlugin({ name: 'now', knexus: '>=0.0.0' }))).resolves.toMatchObject({ name: 'now' });
    await expect(registry.loadPlugin(testPlugin({ name: 'typo', knexus: 'latest please' }))).rejects.toMatchObject({
      code: 'KNEXUS_ERR_PLUGIN_INVALID',
    });
    expect(registry.getPlugin('future')).toBeUndefined();
  });
});
