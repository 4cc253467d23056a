// Where a plugin author declares dependencies, priority and order: instance field, getter or static field.
import { describe, expect, it } from 'vitest';
import { type AppRegistry, PluginInterface, type HookContext } from '../src/index.js';
import { useRegistry } from './support/use-registry.js';

const memory = () => ({ client: 'better-sqlite3', connection: { filename: ':memory:' } }) as const;

describe('plugin declarations', () => {
  const createRegistry = useRegistry();
  let registry: AppRegistry;

  it("a static dependencies = ['does-not-exist'] fails the load, manual or configured", async () => {
    class Needy extends PluginInterface {
      static readonly dependencies = ['does-not-exist'];
      constructor() {
        super('needy', '1.0.0');
      }
      initialize() {}
    }
    registry = createRegistry();
    await expect(registry.loadPlugin(Needy)).rejects.toMatchObject({
      code: 'KNEXUS_ERR_PLUGIN_DEPENDENCY',
      pluginName: 'needy',
      details: { dependency: 'does-not-exist' },
    });
    expect(registry.getPlugin('needy')).toBeUndefined();
  });

  it('priority and order are read from getters, instance fields and static fields alike', async () => {
    const calls: string[] = [];
    class Recorder extends PluginInterface {
      initialize() {}
      override onAppRegistered(_app: string, _c: unknown, _v: unknown, { pluginName }: HookContext) {
        calls.push(pluginName);
      }
    }
    class ByGetter extends Recorder {
      constructor() {
        super('by-getter', '1.0.0');
      }
      get priority() {
        return -10;
      }
    }
    class ByField extends Recorder {
      readonly priority = 5;
      constructor() {
        super('by-field', '1.0.0');
      }
    }
    class ByStatic extends Recorder {
      static readonly priority = -5;
      constructor() {
        super('by-static', '1.0.0');
      }
    }
    class PostByStatic extends Recorder {
      static readonly order = 'post';
      static readonly priority = -100;
      constructor() {
        super('post-static', '1.0.0');
      }
    }
    class Plain extends Recorder {
      constructor() {
        super('plain', '1.0.0');
      }
    }
    registry = createRegistry();
    for (const cls of [PostByStatic, Plain, ByField, ByStatic, ByGetter]) await registry.loadPlugin(cls);
    await registry.registerApp('a', { database: memory() });
    expect(calls).toEqual(['by-getter', 'by-static', 'plain', 'by-field', 'post-static']);
  });

  it('a dependency declared by a getter orders configured loading', async () => {
    class Base extends PluginInterface {
      initialize() {}
    }
    class Db extends Base {
      constructor() {
        super('db', '1.2.0');
      }
    }
    class App extends Base {
      constructor() {
        super('app', '1.0.0');
      }
      get dependencies() {
        return { db: '^1.2.0' };
      }
    }
    registry = createRegistry();
    await expect(registry.loadPlugin(App)).rejects.toMatchObject({ code: 'KNEXUS_ERR_PLUGIN_DEPENDENCY', details: { dependency: 'db' } });
    await registry.loadPlugin(Db);
    await expect(registry.loadPlugin(App)).resolves.toMatchObject({ name: 'app' });
  });

  it('the base class supplies shutdown(), getStatus() and keeps enabled/initialized up to date', async () => {
    class Minimal extends PluginInterface {
      initialize() {}
      override onAppRegistered() {}
    }
    registry = createRegistry({ pluginManager: { maxErrors: { count: 1, windowMs: 60_000 } } });
    const plugin = new Minimal('minimal', '2.0.0');
    expect([plugin.enabled, plugin.initialized]).toEqual([false, false]);
    expect(plugin.getStatus()).toEqual({
      name: 'minimal',
      version: '2.0.0',
      state: 'unloaded',
      enabled: false,
      initialized: false,
      hooks: {},
    });
    await expect(plugin.shutdown()).resolves.toBeUndefined();
    // Hooks are absent by default: the base class implements none.
    expect((plugin as unknown as Record<string, unknown>)['onHealthCheck']).toBeUndefined();

    await registry.loadPlugin(plugin);
    expect([plugin.enabled, plugin.initialized]).toEqual([true, true]);
    await registry.registerApp('a', { database: memory() });
    expect(plugin.getStatus()).toMatchObject({
      state: 'active',
      enabled: true,
      initialized: true,
      hooks: { onAppRegistered: { calls: 1, errors: 0, timeouts: 0 } },
    });
    await registry.unloadPlugin('minimal');
    expect(plugin.getStatus()).toMatchObject({ state: 'stopped', enabled: false, initialized: false });
  });

  it('a plugin disabled by the error threshold reports enabled: false but stays initialized', async () => {
    class Failing extends PluginInterface {
      constructor() {
        super('failing', '1.0.0');
      }
      initialize() {}
      override onAppRegistered(): void {
        throw new Error('boom');
      }
    }
    registry = createRegistry({ pluginManager: { maxErrors: { count: 1, windowMs: 60_000 } } });
    const plugin = (await registry.loadPlugin(Failing)) as Failing;
    await registry.registerApp('a', { database: memory() });
    expect([plugin.enabled, plugin.initialized]).toEqual([false, true]);
    expect(plugin.getStatus()).toMatchObject({ state: 'disabled', hooks: { onAppRegistered: { calls: 1, errors: 1 } } });
  });
});
