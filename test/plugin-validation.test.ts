import { describe, expect, it } from 'vitest';
import { type AppRegistry, PluginInterface, type AppRegistry as Registry, type Plugin } from '../src/index.js';
import { useRegistry } from './support/use-registry.js';
import { TEST_PLUGIN_BASE, testPlugin } from './support/test-plugin.js';

describe('plugin validation', () => {
  const createRegistry = useRegistry();
  let registry: AppRegistry;

  it('calls validateConfiguration(config) when present; false or a throw fails the load before initialize()', async () => {
    registry = createRegistry();
    const initialized: string[] = [];
    const make = (name: string, validate: (config: { directory?: string }) => unknown) =>
      testPlugin({
        name,
        validateConfiguration: validate as NonNullable<Plugin['validateConfiguration']>,
        initialize() {
          initialized.push(name);
        },
      });
    await expect(
      registry.loadPlugin(
        make('refuses', () => false),
        {},
      ),
    ).rejects.toMatchObject({
      code: 'KNEXUS_ERR_PLUGIN_CONFIG_INVALID',
      pluginName: 'refuses',
    });
    const thrown = registry.loadPlugin(
      make('throws', async (config) => {
        if (!config.directory) throw new Error('Backup directory is required');
      }),
      {},
    );
    await expect(thrown).rejects.toMatchObject({ code: 'KNEXUS_ERR_PLUGIN_CONFIG_INVALID', cause: expect.any(Error) });
    await expect(thrown).rejects.toThrow('Backup directory is required');
    await expect(
      registry.loadPlugin(
        make('accepts', (config) => config.directory === '/tmp'),
        { directory: '/tmp' },
      ),
    ).resolves.toBeDefined();
    expect(initialized).toEqual(['accepts']);
    expect(registry.getAllPlugins().map((p) => p.name)).toEqual(['accepts']);
  });

  it('gives the same config to the constructor and to initialize()', async () => {
    registry = createRegistry();
    const seen: unknown[] = [];
    class Configured extends PluginInterface<{ level: number }> {
      constructor(config: { level: number }) {
        super('configured', '1.0.0');
        seen.push(config);
      }
      initialize(_registry: Registry, config: { level: number }): void {
        seen.push(config);
      }
      override shutdown(): void {}
      override getStatus(): object {
        return {};
      }
    }
    const config = { level: 3 };
    await registry.loadPlugin(Configured, config);
    expect(seen).toEqual([config, config]);
    expect(seen[0]).toBe(seen[1]);
  });

  it('rejects malformed plugins with KNEXUS_ERR_PLUGIN_INVALID and the spec text', async () => {
    registry = createRegistry();
    const { initialize: _initialize, ...noInit } = { ...TEST_PLUGIN_BASE, name: 'no-init' };
    await expect(registry.loadPlugin(noInit as unknown as Plugin)).rejects.toMatchObject({ code: 'KNEXUS_ERR_PLUGIN_INVALID' });
    await expect(registry.loadPlugin(noInit as unknown as Plugin)).rejects.toThrow('Plugin must implement initialize() method');
    const cases: [string, unknown][] = [
      ['shutdown() method', { ...TEST_PLUGIN_BASE, name: 'x', shutdown: undefined }],
      ['getStatus() method', { ...TEST_PLUGIN_BASE, name: 'x', getStatus: 'nope' }],
      ["non-empty string 'name'", { ...TEST_PLUGIN_BASE, name: '' }],
      ['onAppRegistered must be a method', { ...TEST_PLUGIN_BASE, name: 'x', onAppRegistered: 42 }],
      ["order must be 'pre' or 'post'", { ...TEST_PLUGIN_BASE, name: 'x', order: 'first' }],
      ['dependencies must be', { ...TEST_PLUGIN_BASE, name: 'x', dependencies: 'core' }],
    ];
    for (const [text, plugin] of cases) {
      await expect(registry.loadPlugin(plugin as Plugin)).rejects.toThrow(text);
    }
    class Exploding extends PluginInterface {
      constructor() {
        super('exploding', '1.0.0');
        throw new Error('constructor failed');
      }
      initialize(): void {}
      override shutdown(): void {}
      override getStatus(): object {
        return {};
      }
    }
    await expect(registry.loadPlugin(Exploding)).rejects.toMatchObject({ code: 'KNEXUS_ERR_PLUGIN_INIT_FAILED' });
    expect(registry.getAllPlugins()).toEqual([]);
  });
});
