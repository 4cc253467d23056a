import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import knexFactory from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppRegistry, type KnexMigrationSource } from '../src/index.js';
import { DIALECTS, createSqliteDatabase, type TestDatabase } from './support/databases.js';
import { useDatabase } from './support/use-database.js';
import { schemaSnapshot } from './support/schema-snapshot.js';
// @ts-expect-error a plain-JavaScript fixture without types, as a knex project has it
import { SemverMigrationSource } from './fixtures/knex-semver/semver-source.js';

const directory = fileURLToPath(new URL('./fixtures/knex-semver/migrations', import.meta.url));
const SEMVER_ORDER = ['2.2.3.js', '2.2.17.js', '2.9.1.js', '2.10.0.js'];
const sha256 = (file: string) =>
  createHash('sha256')
    .update(readFileSync(`${directory}/${file}`))
    .digest('hex');
const semverSource = (): KnexMigrationSource => new SemverMigrationSource(directory) as KnexMigrationSource;

describe.each(DIALECTS)('migrations.migrationSource: knex source interface, unchanged (%s)', (dialect) => {
  const db = useDatabase(dialect);
  const byKnex = useDatabase(dialect);

  it('applies release-named files in semver order, with file checksums, and the schema equals knex migrate:latest with the same source', async (t) => {
    if (!db || !byKnex) return t.skip(); // no server outside CI (in CI it throws instead)
    const registry = new AppRegistry();
    try {
      const app = await registry.registerApp('releases', { database: db.config(), migrations: { migrationSource: semverSource() } });
      const status = await app.migrationStatus();
      expect(status.applied.map((entry) => entry.name)).toEqual(SEMVER_ORDER);
      expect(status.applied.map((entry) => entry.checksum)).toEqual(SEMVER_ORDER.map(sha256));
      expect(status.pending).toEqual([]);

      const knex = knexFactory({ ...byKnex.config(), useNullAsDefault: true, migrations: { migrationSource: semverSource() } } as never);
      try {
        const [, names] = (await knex.migrate.latest()) as [number, string[]];
        expect(names).toEqual(SEMVER_ORDER);
      } finally {
        await knex.destroy();
      }
      expect(await schemaSnapshot(db)).toEqual(await schemaSnapshot(byKnex));
      expect((await schemaSnapshot(db)).length).toBeGreaterThan(0);

      const undone = await app.rollbackMigrations({ all: true });
      expect(undone.rolledBack).toEqual([...SEMVER_ORDER].reverse());
      expect(await db.knex.schema.hasTable('releases')).toBe(false);
    } finally {
      await registry.shutdown();
    }
  });
});

describe('migrationSource and seedSource configuration (sqlite)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createSqliteDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  it('a source together with a directory is a coded config error, before anything is opened', async () => {
    const registry = new AppRegistry();
    try {
      const register = () =>
        registry.registerApp('both', { database: db.config(), migrations: { directory, migrationSource: semverSource() } });
      await expect(register()).rejects.toMatchObject({ code: 'KNEXUS_ERR_INVALID_CONFIG', field: 'migrations.migrationSource' });
      await expect(
        registry.registerApp('broken', { database: db.config(), migrations: { migrationSource: { getMigrations: () => [] } as never } }),
      ).rejects.toMatchObject({ code: 'KNEXUS_ERR_INVALID_CONFIG', field: 'migrations.migrationSource' });
      await expect(
        registry.registerApp('seedy', {
          database: db.config(),
          seeds: { directory, seedSource: { getSeeds: () => [], getSeed: () => ({}) } },
        }),
      ).rejects.toMatchObject({ code: 'KNEXUS_ERR_INVALID_CONFIG', field: 'seeds.seedSource' });
      expect(existsSync(db.name)).toBe(false);
    } finally {
      await registry.shutdown();
    }
  });

  it('loadExtensions narrows which files of a directory are migrations', async () => {
    const formats = fileURLToPath(new URL('./fixtures/migrations-formats', import.meta.url));
    const registry = new AppRegistry();
    try {
      const app = await registry.registerApp('formats', {
        database: db.config(),
        migrations: { directory: formats, enabled: false, loadExtensions: ['.mjs'] },
      });
      expect((await app.migrationStatus()).pending).toEqual(['003_default.mjs', '006_outside_transaction.mjs']);
      await expect(
        registry.registerApp('coffee', { database: db.config(), migrations: { directory: formats, loadExtensions: ['.coffee'] } }),
      ).rejects.toMatchObject({ code: 'KNEXUS_ERR_INVALID_CONFIG', field: 'migrations.loadExtensions' });
    } finally {
      await registry.shutdown();
    }
  });

  it('a source naming no file is hashed by its module (up/down source text): editing a function is drift', async () => {
    const bodies: Record<string, { up: (k: any) => Promise<void>; down: (k: any) => Promise<void> }> = {
      a_first: { up: (k) => k.schema.createTable('inline_a', (t: any) => t.increments('id')), down: (k) => k.schema.dropTable('inline_a') },
      b_second: {
        up: (k) => k.schema.createTable('inline_b', (t: any) => t.increments('id')),
        down: (k) => k.schema.dropTable('inline_b'),
      },
    };
    // Listed in reverse name order on purpose: the source's order is the apply order.
    const inline: KnexMigrationSource<string> = {
      getMigrations: async () => ['b_second', 'a_first'],
      getMigrationName: (name) => name,
      getMigration: async (name) => bodies[name]!,
    };
    const registry = new AppRegistry();
    try {
      const app = await registry.registerApp('inline', { database: db.config(), migrations: { migrationSource: inline, drift: 'warn' } });
      const status = await app.migrationStatus();
      expect(status.applied.map((entry) => entry.name)).toEqual(['b_second', 'a_first']);
      expect(status.applied.every((entry) => /^[0-9a-f]{64}$/.test(entry.checksum))).toBe(true);

      bodies['a_first'] = { ...bodies['a_first']!, up: (k) => k.schema.createTable('inline_a2', (t: any) => t.increments('id')) };
      expect((await app.migrationStatus()).drifted.map((entry) => entry.name)).toEqual(['a_first']);
    } finally {
      await registry.shutdown();
    }
  });

  it('seeds.seedSource: seeds come in the source order, named by the file name of each path', async () => {
    const ran: string[] = [];
    const seedSource = {
      getSeeds: async (config: Readonly<Record<string, unknown>>) => {
        expect(config['loadExtensions']).toEqual(['.js']);
        return ['/virtual/seeds/20_second.js', '/virtual/seeds/10_first.js'];
      },
      getSeed: async (path: string) => ({ seed: async () => void ran.push(path) }),
    };
    const registry = new AppRegistry();
    try {
      const app = await registry.registerApp('seeded', { database: db.config(), seeds: { seedSource, loadExtensions: ['.js'] } });
      expect(ran).toEqual(['/virtual/seeds/20_second.js', '/virtual/seeds/10_first.js']);
      expect((await app.seedStatus()).applied.map((entry) => entry.name)).toEqual(['20_second.js', '10_first.js']);
    } finally {
      await registry.shutdown();
    }
  });
});
