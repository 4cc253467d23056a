// has, touch (renew TTL), atomic increment, getMany/setMany on every storage backend.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppRegistry, type Plugin, type PluginManagerOptions } from '../src/index.js';
import { createDatabase, type TestDatabase } from './support/databases.js';
import { testPlugin } from './support/test-plugin.js';

const keeper = (): Plugin => testPlugin({ name: 'keeper' });
const elapse = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

for (const backend of ['memory', 'sqlite', 'pg', 'mariadb'] as const) {
  describe(`plugin storage operations (${backend})`, () => {
    let db: TestDatabase | null = null;
    beforeAll(async () => {
      if (backend !== 'memory') db = await createDatabase(backend);
    });
    afterAll(async () => {
      await db?.drop();
    });
    const options = (): PluginManagerOptions => (db === null ? {} : { storage: { ...db.config(), useNullAsDefault: true } });
    const skip = () => backend !== 'memory' && db === null; // no server outside CI (in CI createDatabase throws instead)

    it('has, getMany and setMany see only live values; setMany stores all or nothing', async (t) => {
      if (skip()) return t.skip(); // no server outside CI (in CI it throws instead)
      const registry = new AppRegistry({ pluginManager: options() });
      try {
        const storage = (await registry.loadPlugin(keeper())).storage!;
        await storage.setMany({ a: 1, b: { deep: [true] }, c: 'three' });
        await storage.setMany([['short', 'lived']], { ttl: 0 });
        expect(await storage.has('a')).toBe(true);
        expect(await storage.has('short')).toBe(false);
        expect(await storage.has('nothing')).toBe(false);
        const many = await storage.getMany(['a', 'b', 'short', 'nothing', 'a']);
        expect([...many]).toEqual([
          ['a', 1],
          ['b', { deep: [true] }],
        ]);
        await expect(storage.setMany({ d: 4, e: () => 5 })).rejects.toMatchObject({ code: 'KNEXUS_ERR_INVALID_CONFIG', field: 'e' });
        expect(await storage.has('d')).toBe(false);
        await storage.setMany([
          ['c', 'replaced'],
          ['c', 'last wins'],
        ]);
        expect(await storage.get('c')).toBe('last wins');
      } finally {
        await registry.shutdown();
      }
    });

    it('touch renews the TTL of a live key (or removes it), and refuses a missing or expired one', async (t) => {
      if (skip()) return t.skip(); // no server outside CI (in CI it throws instead)
      const registry = new AppRegistry({ pluginManager: options() });
      try {
        const storage = (await registry.loadPlugin(keeper())).storage!;
        await storage.set('session', 'alice', { ttl: 60_000 });
        await storage.set('fleeting', 'bob', { ttl: 0 });
        await storage.set('forever', 1, { ttl: 60_000 });
        // The new TTL counts from now: shortening it shows it was applied.
        expect(await storage.touch('session', { ttl: 20 })).toBe(true);
        expect(await storage.touch('fleeting', { ttl: 60_000 })).toBe(false);
        expect(await storage.has('fleeting')).toBe(false);
        expect(await storage.touch('never-set')).toBe(false);
        expect(await storage.touch('forever')).toBe(true);
        await elapse(40);
        expect(await storage.get('session')).toBeUndefined();
        expect(await storage.get('forever')).toBe(1);
        if (db !== null) {
          expect(await db.knex('knexus_plugin_storage').where({ plugin: 'keeper', key: 'forever' }).first()).toMatchObject({
            expires_at: null,
          });
        }
      } finally {
        await registry.shutdown();
      }
    });

    it('increment is atomic, counts from 0 (again after expiry), keeps its window, and refuses non-numbers', async (t) => {
      if (skip()) return t.skip(); // no server outside CI (in CI it throws instead)
      // On PostgreSQL and MariaDB, two registries (two pools on one storage database) race; SQLite's synchronous driver
      // would block the whole process on a second connection's lock, and two memories share nothing.
      const registries = [new AppRegistry({ pluginManager: options() })];
      if (backend === 'pg' || backend === 'mariadb') registries.push(new AppRegistry({ pluginManager: options() }));
      try {
        const storages = await Promise.all(registries.map(async (r) => (await r.loadPlugin(keeper())).storage!));
        const first = storages[0]!;
        const results = await Promise.all(Array.from({ length: 20 }, (_, i) => storages[i % storages.length]!.increment('hits')));
        expect(await first.get('hits')).toBe(20);
        expect([...results].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
        expect(await first.increment('score', 2.5)).toBe(2.5);
        expect(await first.increment('score', -1)).toBe(1.5);

        // A key created already expired counts from 0 again; a live key keeps its window whatever ttl is given later.
        expect(await first.increment('expired', 1, { ttl: 0 })).toBe(1);
        expect(await first.increment('expired')).toBe(1);
        expect(await first.increment('window', 1, { ttl: 60_000 })).toBe(1);
        expect(await first.increment('window', 1, { ttl: 0 })).toBe(2);
        expect(await first.increment('window')).toBe(3);

        await first.set('name', 'alice');
        await expect(first.increment('name')).rejects.toMatchObject({ code: 'KNEXUS_ERR_PLUGIN_STORAGE', details: { key: 'name' } });
        await expect(first.increment('hits', Number.NaN)).rejects.toMatchObject({ code: 'KNEXUS_ERR_PLUGIN_STORAGE' });
        expect(await first.get('name')).toBe('alice');
      } finally {
        await Promise.all(registries.map((r) => r.shutdown()));
      }
    });
  });
}
