import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AppRegistry } from '../src/index.js';
import { useDatabase } from './support/use-database.js';

const directory = fileURLToPath(new URL('./fixtures/migrations-sqlite-rebuild', import.meta.url));

describe('SQLite: transaction = false files run outside any transaction', () => {
  const db = useDatabase('sqlite');

  it("SQLite's table rebuild works: PRAGMA foreign_keys = OFF takes effect and VACUUM runs", async () => {
    const registry = new AppRegistry();
    try {
      const app = await registry.registerApp('rebuilt', { database: db!.config(), migrations: { directory } });
      expect((await app.migrationStatus()).applied.map((entry) => entry.name)).toEqual(['001_tables.mjs', '002_rebuild.mjs']);
      expect(await app.knex('rebuild_report').select('foreign_keys_during')).toEqual([{ foreign_keys_during: 0 }]);
      expect(await app.knex('rebuild_parents').select('id', 'name')).toEqual([{ id: 1, name: '?' }]);
    } finally {
      await registry.shutdown();
    }
  });
});
