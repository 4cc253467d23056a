// A plugin's configSchema (JSON Schema, instance or static): validated with Ajv, defaults filled before initialize.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type AppRegistry, PluginInterface, definePlugin } from '../src/index.js';
import { useRegistry } from './support/use-registry.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    keep: { type: 'integer', minimum: 1, default: 5 },
    target: {
      type: 'object',
      default: {},
      properties: { host: { type: 'string', default: 'localhost' }, ports: { type: 'array', items: { type: 'integer' } } },
    },
  },
} as const;

class Retainer extends PluginInterface<{ keep?: number; target?: { host?: string } }> {
  static readonly configSchema = schema;
  seen: unknown;
  constructor() {
    super('retainer', '1.0.0');
  }
  override validateConfiguration(config: unknown) {
    this.seen = { validated: structuredClone(config) };
    return true;
  }
  initialize(_registry: AppRegistry, config: unknown) {
    this.seen = { ...(this.seen as object), initialized: config };
  }
}

describe('plugin config schemas', () => {
  const createRegistry = useRegistry();
  let registry: AppRegistry;

  it('fills defaults (nested too) before validateConfiguration and initialize, without touching the caller’s object', async () => {
    registry = createRegistry();
    const given = { target: { ports: [1] } };
    const plugin = (await registry.loadPlugin(Retainer, given)) as Retainer;
    const filled = { keep: 5, target: { host: 'localhost', ports: [1] } };
    expect(plugin.seen).toEqual({ validated: filled, initialized: filled });
    expect(given).toEqual({ target: { ports: [1] } });
  });

  it('reads the schema from an instance field or a plain object too', async () => {
    registry = createRegistry();
    let initialized: unknown;
    await registry.loadPlugin(
      definePlugin({
        name: 'plain',
        version: '1.0.0',
        configSchema: { type: 'object', properties: { level: { enum: ['info', 'debug'], default: 'info' } } },
        initialize(_registry, config) {
          initialized = config;
        },
        shutdown() {},
        getStatus: () => ({}),
      }),
    );
    expect(initialized).toEqual({ level: 'info' });
    await expect(
      registry.loadPlugin(
        definePlugin({
          name: 'strict',
          version: '1.0.0',
          configSchema: { type: 'object', properties: { level: { enum: ['info', 'debug'] } } },
          initialize() {},
          shutdown() {},
          getStatus: () => ({}),
        }),
        { level: 'loud' },
      ),
    ).rejects.toMatchObject({ code: 'KNEXUS_ERR_PLUGIN_CONFIG_INVALID', field: 'plugins.strict.config.level', pluginName: 'strict' });
  });

  it('a bad config is a coded error naming each path', async () => {
    registry = createRegistry();
    const error = await registry.loadPlugin(Retainer, { keep: 0, target: { ports: [1, 'two'] }, extra: true }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'KNEXUS_ERR_PLUGIN_CONFIG_INVALID',
      pluginName: 'retainer',
      field: expect.stringMatching(/^plugins\.retainer\.config\./),
      cause: { code: 'KNEXUS_ERR_PLUGIN_CONFIG_INVALID', pluginName: 'retainer' },
    });
    const { errors } = (error as { details: { errors: { path: string; message: string }[] } }).details;
    expect(errors).toHaveLength(3);
    expect(errors).toEqual(
      expect.arrayContaining([
        { path: 'plugins.retainer.config.extra', message: 'is not a known option (expected one of: keep, target)' },
        { path: 'plugins.retainer.config.keep', message: 'must be >= 1' },
        { path: 'plugins.retainer.config.target.ports[1]', message: 'must be integer' },
      ]),
    );
    expect((error as Error).message).toContain('plugins.retainer.config.keep: must be >= 1');
    expect(registry.getPlugin('retainer')).toBeUndefined();
  });

  it("the backup plugin's schema: plugins.backup.config.keep: must be >= 1", async () => {
    registry = createRegistry({
      baseDir: root,
      plugins: { backup: { module: './plugins/backup/index.ts', config: { keep: 0 } } },
    });
    const { failedPlugins } = await registry.initialize();
    expect(failedPlugins).toEqual([
      {
        name: 'backup',
        code: 'KNEXUS_ERR_PLUGIN_CONFIG_INVALID',
        error: expect.stringContaining('plugins.backup.config.keep: must be >= 1'),
        cause: expect.anything(),
      },
    ]);
    expect(failedPlugins[0]?.cause).toMatchObject({ field: 'plugins.backup.config.keep', pluginName: 'backup' });
  });

  it('an invalid schema fails the load as an invalid plugin', async () => {
    registry = createRegistry();
    class Broken extends PluginInterface {
      static readonly configSchema = { type: 'no-such-type' };
      initialize() {}
    }
    await expect(registry.loadPlugin(Broken)).rejects.toMatchObject({ code: 'KNEXUS_ERR_PLUGIN_INVALID', pluginName: 'Broken' });
  });
});
