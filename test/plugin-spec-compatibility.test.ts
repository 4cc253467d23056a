// Shapes the spec promises plugin authors: coded errors for bad options, initialize()'s result,
// getAllApps() items, the hook config view, and clean import errors.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AppRegistry, KnexusError, PluginManager, type AppConfigView } from '../src/index.js';
import { useDatabase } from './support/use-database.js';
import { useRegistry } from './support/use-registry.js';
import { testPlugin } from './support/test-plugin.js';

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = join(here, 'fixtures', 'plugins');
const basicMigrations = join(here, 'fixtures', 'migrations-basic');
const memory = () => ({ client: 'better-sqlite3', connection: { filename: ':memory:' } }) as const;

describe('spec compatibility', () => {
  const createRegistry = useRegistry();
  let registry: AppRegistry | undefined;
  const db = useDatabase('pg');

  it('null or non-object options are coded errors naming the option', () => {
    const attempt = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        return error;
      }
      return undefined;
    };
    expect(attempt(() => new AppRegistry(null as never))).toMatchObject({
      code: 'KNEXUS_ERR_INVALID_CONFIG',
      field: 'new AppRegistry(options)',
    });
    expect(attempt(() => new AppRegistry({ registry: null as never }))).toMatchObject({
      code: 'KNEXUS_ERR_INVALID_CONFIG',
      field: 'registry',
    });
    expect(attempt(() => new AppRegistry({ plugins: 'audit' as never }))).toMatchObject({
      code: 'KNEXUS_ERR_INVALID_CONFIG',
      field: 'plugins',
    });
    expect(attempt(() => new PluginManager(null as never))).toMatchObject({ code: 'KNEXUS_ERR_INVALID_CONFIG', field: 'appRegistry' });
    const host = createRegistry();
    expect(attempt(() => new PluginManager(host, null as never))).toMatchObject({
      code: 'KNEXUS_ERR_INVALID_CONFIG',
      field: 'pluginManager',
    });
    expect(attempt(() => new PluginManager(host, null as never))).toBeInstanceOf(KnexusError);
  });

  it("initialize() keeps the spec's shape: loaded plugins by name, failures by config key as { name, error: string, code, cause }", async () => {
    registry = createRegistry({
      baseDir: fixtures,
      plugins: {
        renamed: { module: '../spec-examples/my-custom-plugin.mjs' },
        nowhere: { module: 'knexus-no-such-package' },
      },
    });
    const result = await registry.initialize();
    // The plugin's own name, which getPlugin takes, not the config key it was loaded under.
    expect(result.loadedPlugins).toEqual(['my-plugin']);
    expect(registry.getPlugin('my-plugin')).toBeDefined();
    expect(result.failedPlugins).toEqual([
      { name: 'nowhere', error: expect.any(String), code: 'KNEXUS_ERR_PLUGIN_IMPORT', cause: expect.any(KnexusError) },
    ]);
    const [failure] = result.failedPlugins;
    expect(failure?.error).toContain("Failed to import plugin module 'knexus-no-such-package'");
    expect(failure?.cause).toMatchObject({ pluginName: 'nowhere', module: 'knexus-no-such-package' });
    // Node's "Require stack" (naming a stand-in file knexus resolves from) is not part of the message.
    expect(failure?.error).not.toContain('Require stack');
    expect(failure?.error).not.toContain('noop.js');
  });

  it('getAllApps() items carry the name and a connection, as the spec reads them', async () => {
    registry = createRegistry();
    const app = await registry.registerApp('shop', { database: memory() });
    const [first] = registry.getAllApps();
    expect(first?.name).toBe('shop');
    expect(first?.connection).toBe(app);
    expect(first?.connection.knex).toBe(app.knex);
  });

  it('hooks see config.database (never the password) and config.migrations.directory', async () => {
    const seen: AppConfigView[] = [];
    registry = createRegistry();
    await registry.loadPlugin(testPlugin({ name: 'spy', onAppRegistrationStarted: (_app, config) => void seen.push(config) }));
    const database = db.config();
    const connection = { ...(database.connection as Record<string, unknown>), password: 'hunter2-secret' };
    await registry.registerApp('tenant', { database: { ...database, connection }, migrations: { directory: basicMigrations } });
    expect(seen[0]?.database).toEqual({ client: 'pg', host: '127.0.0.1', port: 5432, user: 'postgres', database: db.name });
    expect(seen[0]?.migrations.directory).toBe(basicMigrations);
    expect(seen[0]?.seeds.directory).toBeUndefined();
    expect(JSON.stringify(seen[0])).not.toContain('hunter2-secret');
    await registry.unregisterApp('tenant');
  });
});
