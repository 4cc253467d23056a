import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppRegistry } from '../src/index.js';
import { DIALECTS, createDatabase, type TestDatabase } from './support/databases.js';
import { SEMVER_ORDER, copyMigrations, migrateWithKnex, semverSource, tableNames } from './support/knex-project.js';
import { schemaSnapshot } from './support/schema-snapshot.js';

const NEXT_RELEASE = `export async function up(knex) {
  await knex.schema.createTable('release_notes', (t) => { t.increments('id'); t.text('body'); });
}
export async function down(knex) {
  await knex.schema.dropTable('release_notes');
}
`;

describe.each(DIALECTS)("importing knex's migration history (%s)", (dialect) => {
  const dbs: TestDatabase[] = [];
  const projects: { cleanup(): void }[] = [];
  let available = true;
  const fresh = async (): Promise<TestDatabase> => {
    const db = await createDatabase(dialect);
    if (db === null) throw new Error('unreachable');
    dbs.push(db);
    return db;
  };
  const project = () => {
    const copy = copyMigrations();
    projects.push(copy);
    return copy;
  };
  /** All migrations applied by knex alone: the schema every path must end with. */
  let reference: unknown[];
  beforeAll(async () => {
    const db = await createDatabase(dialect);
    if (db === null) {
      available = false;
      return;
    }
    dbs.push(db);
    await migrateWithKnex(db, project().dir);
    reference = await schemaSnapshot(db);
  });
  afterAll(async () => {
    await Promise.all(dbs.map((db) => db.drop()));
    for (const copy of projects) copy.cleanup();
  });

  it('without importKnexHistory: a coded error naming both choices, and the schema unchanged', async (t) => {
    if (!available) return t.skip(); // no server outside CI (in CI it throws instead)
    const db = await fresh();
    const { dir } = project();
    await migrateWithKnex(db, dir, { steps: 2 });
    const tables = await tableNames(db);
    const registry = new AppRegistry();
    try {
      const viewer = await registry.registerApp('viewer', {
        database: db.config(),
        migrations: { migrationSource: semverSource(dir), enabled: false },
      });
      const status = await viewer.migrationStatus();
      expect(status.knexHistory).toEqual({ table: 'knex_migrations', applied: SEMVER_ORDER.slice(0, 2) });
      expect(status.pending).toEqual(SEMVER_ORDER);
      await registry.unregisterApp('viewer');
      await expect(
        registry.registerApp('releases', { database: db.config(), migrations: { migrationSource: semverSource(dir) } }),
      ).rejects.toMatchObject({
        code: 'KNEXUS_ERR_KNEX_HISTORY',
        appName: 'releases',
        field: 'migrations.importKnexHistory',
        details: { knexTable: 'knex_migrations', applied: 2 },
      });
    } finally {
      await registry.shutdown();
    }
    expect(await tableNames(db)).toEqual(tables);
  });

  it('half applied by knex, then knexus imports and applies the rest: the schema equals knex alone; status shows the whole history', async (t) => {
    if (!available) return t.skip(); // no server outside CI (in CI it throws instead)
    const db = await fresh();
    const { dir } = project();
    expect(await migrateWithKnex(db, dir, { steps: 2 })).toEqual(SEMVER_ORDER.slice(0, 2));
    const knexRows = await db.knex('knex_migrations').orderBy('id').select();
    const registry = new AppRegistry();
    try {
      const completed = new Promise<{ result: { migrations: unknown } }>((resolve) => registry.once('app-registered', resolve));
      const app = await registry.registerApp('releases', {
        database: db.config(),
        migrations: { migrationSource: semverSource(dir), importKnexHistory: true },
      });
      expect((await completed).result.migrations).toMatchObject({
        imported: SEMVER_ORDER.slice(0, 2),
        applied: SEMVER_ORDER.slice(2),
        batch: 3,
      });
      const status = await app.migrationStatus();
      expect(status.applied.map((e) => [e.name, e.origin, e.batch])).toEqual([
        ['2.2.3.js', 'imported', 1],
        ['2.2.17.js', 'imported', 2],
        ['2.9.1.js', 'run', 3],
        ['2.10.0.js', 'run', 3],
      ]);
      expect(status.pending).toEqual([]);
      expect(status.drifted).toEqual([]);
    } finally {
      await registry.shutdown();
    }
    expect(await schemaSnapshot(db)).toEqual(reference);
    // knex's own tables are never written.
    expect(await db.knex('knex_migrations').orderBy('id').select()).toEqual(knexRows);
  });

  it('fully applied by knex: nothing runs again; a migration added afterwards is applied by knexus', async (t) => {
    if (!available) return t.skip(); // no server outside CI (in CI it throws instead)
    const db = await fresh();
    const { dir } = project();
    await migrateWithKnex(db, dir);
    const config = { database: db.config(), migrations: { migrationSource: semverSource(dir), importKnexHistory: true } };
    const registry = new AppRegistry();
    try {
      const app = await registry.registerApp('releases', config);
      expect((await app.migrationStatus()).applied.map((e) => e.origin)).toEqual(['imported', 'imported', 'imported', 'imported']);
      await registry.unregisterApp('releases');
      expect(await schemaSnapshot(db)).toEqual(reference);

      writeFileSync(join(dir, '2.11.0.js'), NEXT_RELEASE);
      const again = await registry.registerApp('releases', config);
      const status = await again.migrationStatus();
      expect(status.applied.map((e) => [e.name, e.origin])).toEqual([
        ...SEMVER_ORDER.map((name) => [name, 'imported']),
        ['2.11.0.js', 'run'],
      ]);
      expect(await db.knex.schema.hasTable('release_notes')).toBe(true);
    } finally {
      await registry.shutdown();
    }
  });

  it("a name in knex's ledger that matches no file is reported by name, and nothing is written", async (t) => {
    if (!available) return t.skip(); // no server outside CI (in CI it throws instead)
    const db = await fresh();
    const { dir } = project();
    await migrateWithKnex(db, dir);
    rmSync(join(dir, '2.2.17.js'));
    const tables = await tableNames(db);
    const registry = new AppRegistry();
    try {
      await expect(
        registry.registerApp('releases', {
          database: db.config(),
          migrations: { migrationSource: semverSource(dir), importKnexHistory: true },
        }),
      ).rejects.toMatchObject({
        code: 'KNEXUS_ERR_MIGRATION_NOT_FOUND',
        file: '2.2.17.js',
        details: { missing: ['2.2.17.js'], knexTable: 'knex_migrations' },
      });
    } finally {
      await registry.shutdown();
    }
    expect(await tableNames(db)).toEqual(tables);
  });

  // Defined for the server databases only: two registries on one SQLite file are covered by the lock tests.
  if (dialect !== 'sqlite')
    it('two registries importing at once: knex history is imported exactly once', async (t) => {
      if (!available) return t.skip(); // no server outside CI (in CI it throws instead)
      const db = await fresh();
      const { dir } = project();
      await migrateWithKnex(db, dir, { steps: 1 });
      const registries = [new AppRegistry(), new AppRegistry()];
      try {
        const config = { database: db.config(), migrations: { migrationSource: semverSource(dir), importKnexHistory: true } };
        await Promise.all(registries.map((registry) => registry.registerApp('releases', config)));
        const rows = await db.knex('knexus_migrations').where({ app: 'releases' }).orderBy('id').select('name', 'origin');
        expect(rows).toEqual([{ name: '2.2.3.js', origin: 'imported' }, ...SEMVER_ORDER.slice(1).map((name) => ({ name, origin: 'run' }))]);
      } finally {
        await Promise.all(registries.map((registry) => registry.shutdown()));
      }
    });

  // Defined for PostgreSQL only: schemas are PostgreSQL's.
  if (dialect === 'pg')
    it("knexSchemaName finds knex's ledger outside the app's PostgreSQL schema", async (t) => {
      if (!available) return t.skip(); // no server outside CI (in CI it throws instead)
      const db = await fresh();
      const { dir } = project();
      await migrateWithKnex(db, dir, { steps: 2 });
      const registry = new AppRegistry();
      try {
        const app = await registry.registerApp('releases', {
          database: db.config(),
          schema: 'releases_app',
          migrations: { migrationSource: semverSource(dir), importKnexHistory: true, knexSchemaName: 'public', enabled: false },
        });
        expect(await app.baselineMigrations({ fromKnex: true })).toMatchObject({ imported: SEMVER_ORDER.slice(0, 2) });
        expect(await db.knex.withSchema('releases_app').from('knexus_migrations').pluck('origin')).toEqual(['imported', 'imported']);
      } finally {
        await registry.shutdown();
      }
    });

  it("importKnexHistory: false keeps a fresh knexus ledger and ignores knex's", async (t) => {
    if (!available) return t.skip(); // no server outside CI (in CI it throws instead)
    const db = await fresh();
    const { dir } = project();
    await migrateWithKnex(db, dir, { tableName: 'knex_migrations' });
    await db.knex.schema.dropTable('release_tags');
    await db.knex.schema.dropTable('releases');
    const registry = new AppRegistry();
    try {
      const app = await registry.registerApp('releases', {
        database: db.config(),
        migrations: { migrationSource: semverSource(dir), importKnexHistory: false },
      });
      expect((await app.migrationStatus()).applied.map((e) => [e.name, e.origin])).toEqual(SEMVER_ORDER.map((name) => [name, 'run']));
    } finally {
      await registry.shutdown();
    }
  });
});
