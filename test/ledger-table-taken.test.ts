import { afterAll, describe, expect, it } from 'vitest';
import { AppRegistry } from '../src/index.js';
import { DIALECTS } from './support/databases.js';
import { useDatabase } from './support/use-database.js';
import { SEMVER_ORDER, copyMigrations, migrateWithKnex, semverSource, tableNames } from './support/knex-project.js';

describe.each(DIALECTS)('a ledger table name taken by a table of another shape (%s)', (dialect) => {
  const db = useDatabase(dialect);
  const project = copyMigrations();
  afterAll(async () => {
    project.cleanup();
  });

  it("tableName: 'knex_migrations' on a knex-managed database is a coded error naming table and option; nothing is written", async () => {
    expect(await migrateWithKnex(db, project.dir)).toEqual(SEMVER_ORDER);
    const tables = await tableNames(db);
    const knexRows = await db.knex('knex_migrations').orderBy('id').select();
    const lockRows = await db.knex('knex_migrations_lock').select();

    const registry = new AppRegistry();
    try {
      const register = registry.registerApp('releases', {
        database: db.config(),
        migrations: { migrationSource: semverSource(project.dir), tableName: 'knex_migrations', importKnexHistory: true },
      });
      await expect(register).rejects.toMatchObject({
        code: 'KNEXUS_ERR_LEDGER_TABLE_TAKEN',
        appName: 'releases',
        field: 'migrations.tableName',
        details: { table: 'knex_migrations', missingColumns: ['app', 'checksum', 'applied_at'] },
      });

      // Any table of another shape, here one of the app's own, through the seed ledger's option.
      const seeds = registry.registerApp('tagged', { database: db.config(), seeds: { directory: project.dir, tableName: 'release_tags' } });
      await expect(seeds).rejects.toMatchObject({
        code: 'KNEXUS_ERR_LEDGER_TABLE_TAKEN',
        field: 'seeds.tableName',
        details: { table: 'release_tags' },
      });
    } finally {
      await registry.shutdown();
    }
    expect(await tableNames(db)).toEqual(tables);
    expect(await db.knex('knex_migrations').orderBy('id').select()).toEqual(knexRows);
    expect(await db.knex('knex_migrations_lock').select()).toEqual(lockRows);
  });
});
