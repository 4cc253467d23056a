import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knexFactory from 'knex';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AppRegistry, Plugin, PluginManagerOptions } from '../src/index.js';

// The table name is documented (docs/plugins.md); the test names it as a user would.
const PLUGIN_STORAGE_TABLE = 'knexus_plugin_storage';
import { createPgDatabase, createSqliteDatabase, type TestDatabase } from './support/databases.js';
import { testPlugin } from './support/test-plugin.js';
import { useRegistry } from './support/use-registry.js';

const keeper = (): Plugin => testPlugin({ name: 'keeper' });

async function exercise(plugin: Plugin): Promise<void> {
  const storage = plugin.storage!;
  await storage.set('config', { retries: 3, tags: ['a'] });
  await storage.set('session:1', 'alice');
  await storage.set('session:2', 'bob');
  await storage.set('gone', true, { ttl: 0 });
  expect(await storage.get('config')).toEqual({ retries: 3, tags: ['a'] });
  expect(await storage.get('missing')).toBeUndefined();
  expect(await storage.get('gone')).toBeUndefined();
  expect((await storage.list()).sort()).toEqual(['config', 'session:1', 'session:2']);
  expect((await storage.list('session:')).sort()).toEqual(['session:1', 'session:2']);
  await storage.set('session:2', 'bobby');
  expect(await storage.get('session:2')).toBe('bobby');
  expect(await storage.delete('session:2')).toBe(true);
  expect(await storage.delete('session:2')).toBe(false);
  // Expiry is read on Date.now(): frozen here and moved by the test, so a slow round trip on a loaded
  // machine cannot expire 'short' before it is read back.
  vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
  try {
    await storage.set('short', 1, { ttl: 60 });
    expect(await storage.get('short')).toBe(1);
    vi.advanceTimersByTime(80);
    expect(await storage.get('short')).toBeUndefined();
    expect(await storage.list()).not.toContain('short');
  } finally {
    vi.useRealTimers();
  }
}

describe('plugin storage', () => {
  const createRegistry = useRegistry();
  let registry: AppRegistry | undefined;

  it('in memory by default: namespaced per plugin, JSON values, TTL, survives a reload', async () => {
    registry = createRegistry();
    const plugin = await registry.loadPlugin(keeper());
    await exercise(plugin);
    const other = await registry.loadPlugin(testPlugin({ name: 'other' }));
    expect(await other.storage!.get('config')).toBeUndefined();
    const next = await registry.reloadPlugin('keeper', keeper());
    expect(await next.storage!.get('config')).toEqual({ retries: 3, tags: ['a'] });
    await next.storage!.clear();
    expect(await next.storage!.list()).toEqual([]);
  });

  describe('in an SQLite database', () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await createSqliteDatabase();
    });
    afterAll(async () => {
      await db.drop();
    });

    it('named by an app (resolved lazily, since plugins load before apps register): survives a restart; purgeData deletes it', async () => {
      const options: PluginManagerOptions = { storage: 'store' };
      registry = createRegistry({ pluginManager: options });
      const plugin = await registry.loadPlugin(keeper());
      await expect(plugin.storage!.get('x')).rejects.toMatchObject({ code: 'KNEXUS_ERR_APP_NOT_FOUND' });
      await registry.registerApp('store', { database: db.config() });
      await exercise(plugin);
      await registry.shutdown();

      registry = createRegistry({ pluginManager: options });
      await registry.registerApp('store', { database: db.config() });
      const again = await registry.loadPlugin(keeper());
      expect(await again.storage!.get('config')).toEqual({ retries: 3, tags: ['a'] });
      const rows = await db.knex(PLUGIN_STORAGE_TABLE).where({ plugin: 'keeper' }).select('key');
      expect(rows.map((r: { key: string }) => r.key).sort()).toEqual(['config', 'session:1']);

      await expect(registry.unloadPlugin('keeper', { purgeData: true })).resolves.toBe(true);
      expect(await db.knex(PLUGIN_STORAGE_TABLE).where({ plugin: 'keeper' }).count({ n: '*' })).toEqual([{ n: 0 }]);
    });

    it('given as a knex config: opened on first use and closed at shutdown', async () => {
      registry = createRegistry({
        pluginManager: { storage: { ...db.config(), useNullAsDefault: true } },
      });
      const plugin = await registry.loadPlugin(keeper());
      await plugin.storage!.set('k', 'v');
      expect(await db.knex(PLUGIN_STORAGE_TABLE).where({ plugin: 'keeper', key: 'k' }).first()).toMatchObject({ value: '"v"' });
      await registry.shutdown();
      await expect(plugin.storage!.get('k')).rejects.toMatchObject({ code: 'KNEXUS_ERR_SHUTTING_DOWN' });
      expect(await db.knex(PLUGIN_STORAGE_TABLE).where({ plugin: 'keeper', key: 'k' }).first()).toBeDefined();
    });
  });

  it('a relative SQLite file in a knex config resolves against baseDir, not the working directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'knexus-plugin-storage-'));
    try {
      registry = createRegistry({
        baseDir: dir,
        pluginManager: { storage: { client: 'better-sqlite3', connection: { filename: './data.sqlite' }, useNullAsDefault: true } },
      });
      const plugin = await registry.loadPlugin(keeper());
      await plugin.storage!.set('k', 'v');
      await registry.shutdown();
      registry = undefined;
      expect(existsSync(join(process.cwd(), 'data.sqlite'))).toBe(false);
      const knex = knexFactory({ client: 'better-sqlite3', connection: { filename: join(dir, 'data.sqlite') }, useNullAsDefault: true });
      try {
        expect(await knex(PLUGIN_STORAGE_TABLE).where({ plugin: 'keeper', key: 'k' }).first()).toMatchObject({ value: '"v"' });
      } finally {
        await knex.destroy();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('in a PostgreSQL database', () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await createPgDatabase();
    });
    afterAll(async () => {
      await db.drop();
    });

    it('keeps values with TTL in knexus_plugin_storage, per plugin, across restarts', async () => {
      const options: PluginManagerOptions = { storage: db.config() };
      registry = createRegistry({ pluginManager: options });
      const plugin = await registry.loadPlugin(keeper());
      await exercise(plugin);
      await registry.shutdown();

      registry = createRegistry({ pluginManager: options });
      const again = await registry.loadPlugin(keeper());
      expect(await again.storage!.get('session:1')).toBe('alice');
      const rows = await db.knex(PLUGIN_STORAGE_TABLE).orderBy('key').select('plugin', 'key', 'expires_at');
      expect(rows.map((r: { key: string }) => r.key)).toEqual(['config', 'session:1']);
      await registry.unloadPlugin('keeper', { purgeData: true });
      expect(await db.knex(PLUGIN_STORAGE_TABLE).count({ n: '*' })).toEqual([{ n: '0' }]);
    });
  });
});
