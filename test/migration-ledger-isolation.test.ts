import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DIALECTS } from './support/databases.js';
import { useDatabase } from './support/use-database.js';
import { useRegistry } from './support/use-registry.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

describe.each(DIALECTS)('migrations: one ledger per database, keyed by app (%s)', (dialect) => {
  const db = useDatabase(dialect);
  const createRegistry = useRegistry();

  it('two apps with the same file names on one database never see each other’s history', async () => {
    const registry = createRegistry();
    const a = await registry.registerApp('alpha', { database: db.config(), migrations: { directory: fixture('migrations-app-a') } });
    const b = await registry.registerApp('beta', { database: db.config(), migrations: { directory: fixture('migrations-app-b') } });

    // Both ran their own 001_init.mjs, each in batch 1 of its own history.
    expect((await a.migrationStatus()).applied.map((entry) => [entry.name, entry.batch])).toEqual([['001_init.mjs', 1]]);
    expect((await b.migrationStatus()).applied.map((entry) => [entry.name, entry.batch])).toEqual([
      ['001_init.mjs', 1],
      ['002_more.mjs', 1],
    ]);
    const rows = (await db.knex('knexus_migrations').orderBy('id').select('app', 'name')) as { app: string; name: string }[];
    expect(rows).toEqual([
      { app: 'alpha', name: '001_init.mjs' },
      { app: 'beta', name: '001_init.mjs' },
      { app: 'beta', name: '002_more.mjs' },
    ]);

    expect(await a.rollbackMigrations({ all: true })).toMatchObject({ rolledBack: ['001_init.mjs'] });
    expect(await db.knex.schema.hasTable('a_items')).toBe(false);
    expect(await db.knex.schema.hasTable('b_items')).toBe(true);
    expect((await b.migrationStatus()).applied).toHaveLength(2);
    expect(await a.runMigrations()).toMatchObject({ batch: 1, applied: ['001_init.mjs'] });

    await registry.unregisterApp('alpha', { rollback: 'all' });
    await registry.unregisterApp('beta', { rollback: 'all' });
    expect(await db.knex('knexus_migrations').select('name')).toEqual([]);
    await registry.shutdown();
  });

  it('a custom tableName keeps a separate ledger', async () => {
    const registry = createRegistry();
    const app = await registry.registerApp('gamma', {
      database: db.config(),
      migrations: { directory: fixture('migrations-app-a'), tableName: 'gamma_history' },
    });
    expect(await db.knex('gamma_history').select('app', 'name')).toEqual([{ app: 'gamma', name: '001_init.mjs' }]);
    expect(await db.knex('knexus_migrations').where({ app: 'gamma' }).select('name')).toEqual([]);
    await app.rollbackMigrations({ all: true });
    await registry.shutdown();
  });

  // Defined for PostgreSQL only (schemas are a PostgreSQL feature), so other dialects report no skipped test.
  if (dialect === 'pg')
    it('with a PostgreSQL schema, the ledger lives in that schema', async () => {
      const registry = createRegistry();
      await registry.registerApp('delta', {
        database: db.config(),
        schema: 'delta_space',
        migrations: { directory: fixture('migrations-app-a') },
      });
      expect(await db.knex.schema.withSchema('delta_space').hasTable('knexus_migrations')).toBe(true);
      expect(await db.knex.schema.withSchema('delta_space').hasTable('a_items')).toBe(true);
      expect(await db.knex('delta_space.knexus_migrations').select('app', 'name')).toEqual([{ app: 'delta', name: '001_init.mjs' }]);
      await registry.unregisterApp('delta');
      expect(await db.knex.schema.withSchema('delta_space').hasTable('a_items')).toBe(false);
      await registry.shutdown();
    });
});
