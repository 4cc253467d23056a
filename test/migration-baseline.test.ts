import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppRegistry } from '../src/index.js';
import { DIALECTS, createDatabase, type TestDatabase } from './support/databases.js';
import { SEMVER_ORDER, copyMigrations, migrateWithKnex, semverSource, tableNames } from './support/knex-project.js';
import { schemaSnapshot } from './support/schema-snapshot.js';

describe.each(DIALECTS)('registry.baseline: marking migrations applied without running them (%s)', (dialect) => {
  const dbs: TestDatabase[] = [];
  const project = copyMigrations();
  let reference: unknown[] | undefined;
  const fresh = async (): Promise<TestDatabase | null> => {
    const db = await createDatabase(dialect);
    if (db !== null) dbs.push(db);
    return db;
  };
  beforeAll(async () => {
    const db = await fresh();
    if (db === null) return;
    await migrateWithKnex(db, project.dir);
    reference = await schemaSnapshot(db);
  });
  afterAll(async () => {
    await Promise.all(dbs.map((db) => db.drop()));
    project.cleanup();
  });

  it('baseline({ to }) records up to and including <to> as baseline; the rest then runs; the schema equals knex alone', async (t) => {
    const db = reference === undefined ? null : await fresh();
    if (!db) return t.skip(); // no server outside CI (in CI createDatabase throws instead)
    // Built by other means: the first two releases applied by a tool whose ledger knexus does not read.
    await migrateWithKnex(db, project.dir, { steps: 2, tableName: 'legacy_ledger' });
    await db.knex.schema.dropTable('legacy_ledger_lock');
    await db.knex.schema.dropTable('legacy_ledger');
    const registry = new AppRegistry();
    try {
      const app = await registry.registerApp('releases', {
        database: db.config(),
        migrations: { migrationSource: semverSource(project.dir), enabled: false },
      });
      await expect(registry.baseline('releases', { to: '3.0.0' })).rejects.toMatchObject({
        code: 'KNEXUS_ERR_MIGRATION_NOT_FOUND',
        file: '3.0.0',
      });
      await expect(registry.baseline('releases', {})).rejects.toMatchObject({ code: 'KNEXUS_ERR_INVALID_CONFIG' });

      const marked = await registry.baseline('releases', { to: '2.2.17' });
      expect(marked).toMatchObject({ batch: 1, applied: SEMVER_ORDER.slice(0, 2) });
      expect(await app.runMigrations()).toMatchObject({ batch: 2, applied: SEMVER_ORDER.slice(2) });
      expect((await app.migrationStatus()).applied.map((e) => [e.name, e.origin, e.batch])).toEqual([
        ['2.2.3.js', 'baseline', 1],
        ['2.2.17.js', 'baseline', 1],
        ['2.9.1.js', 'run', 2],
        ['2.10.0.js', 'run', 2],
      ]);
    } finally {
      await registry.shutdown();
    }
    expect(await schemaSnapshot(db)).toEqual(reference);
  });

  it("baseline({ fromKnex: true }) imports knex's ledger once; a second import is refused", async (t) => {
    const db = reference === undefined ? null : await fresh();
    if (!db) return t.skip(); // no server outside CI (in CI createDatabase throws instead)
    await migrateWithKnex(db, project.dir, { steps: 3 });
    const registry = new AppRegistry();
    try {
      await registry.registerApp('releases', {
        database: db.config(),
        migrations: { migrationSource: semverSource(project.dir), enabled: false },
      });
      expect(await registry.baseline('releases', { fromKnex: true })).toMatchObject({
        batch: null,
        applied: [],
        imported: SEMVER_ORDER.slice(0, 3),
      });
      await expect(registry.baseline('releases', { fromKnex: true })).rejects.toMatchObject({
        code: 'KNEXUS_ERR_KNEX_HISTORY',
        appName: 'releases',
      });
      const tables = await tableNames(db);
      expect(tables).toContain('knexus_migrations');
    } finally {
      await registry.shutdown();
    }
  });
});
