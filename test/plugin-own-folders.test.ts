// A plugin handed over as a class has no module file knexus knows of: its folders come from the module
// itself (a file: URL), and a relative path is a coded error at load, not a silent "no migrations".
import { describe, expect, it } from 'vitest';
import { PluginInterface } from '../src/index.js';
import { useRegistry } from './support/use-registry.js';

const memory = () => ({ client: 'better-sqlite3', connection: { filename: ':memory:' } }) as const;

class RelativeWidgets extends PluginInterface {
  static readonly migrations = { directory: './fixtures/plugin-data/migrations' };
  constructor() {
    super('relative-widgets', '1.0.0');
  }
  initialize() {}
}

class UrlWidgets extends PluginInterface {
  static readonly migrations = { directory: new URL('./fixtures/plugin-data/migrations', import.meta.url) };
  readonly tableName = 'plugin_widgets';
  constructor() {
    super('url-widgets', '1.0.0');
  }
  initialize() {}
}

describe("a class plugin's own migrations folder", () => {
  const createRegistry = useRegistry();

  it('given relative, fails the load with KNEXUS_ERR_PLUGIN_INVALID naming the fix, and nothing is loaded', async () => {
    const registry = createRegistry();
    const error = await registry.loadPlugin(RelativeWidgets).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'KNEXUS_ERR_PLUGIN_INVALID', pluginName: 'relative-widgets' });
    expect((error as Error).message).toContain("new URL('./migrations', import.meta.url)");
    expect(registry.getPlugin('relative-widgets')).toBeUndefined();
  });

  it('given as new URL(…, import.meta.url), runs in each app', async () => {
    const registry = createRegistry();
    await registry.loadPlugin(UrlWidgets);
    const app = await registry.registerApp('shop', { database: memory() });
    expect(await app.knex.schema.hasTable('plugin_widgets')).toBe(true);
    expect(registry.getStatus().apps['shop']?.pluginData['url-widgets']?.migrations).toEqual({ batch: 1, applied: ['001_widgets.mjs'] });
  });
});
