import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AppRegistry } from '../src/index.js';
import { DIALECTS, type TestDatabase } from './support/databases.js';
import { useDatabase } from './support/use-database.js';

const directory = fileURLToPath(new URL('./fixtures/migrations-basic', import.meta.url));

// The ledger as knexus created it before rows had an origin.
const OLD_LEDGER: Record<TestDatabase['dialect'], string> = {
  sqlite:
    'create table knexus_migrations (id integer primary key, app varchar(255) not null, name varchar(255) not null, batch integer not null, ' +
    'checksum char(64) not null, applied_at integer not null, unique (app, name))',
  pg:
    'create table knexus_migrations (id serial primary key, app varchar(255) not null, name varchar(255) not null, batch integer not null, ' +
    'checksum char(64) not null, applied_at timestamptz not null, unique (app, name))',
  mariadb:
    'create table knexus_migrations (id int unsigned not null auto_increment primary key, app varchar(255) not null, name varchar(255) not null, ' +
    'batch int not null, checksum char(64) not null, applied_at datetime(3) not null, unique key (app, name))',
};

describe.each(DIALECTS)('a ledger from before the origin column (%s)', (dialect) => {
  const db = useDatabase(dialect);

  it('reads as run in status, and gains the column (keeping its rows) on the next apply', async () => {
    await db.knex.raw(OLD_LEDGER[db.dialect]);
    await db.knex('knexus_migrations').insert({ app: 'other', name: 'x.mjs', batch: 1, checksum: 'a'.repeat(64), applied_at: new Date() });
    const registry = new AppRegistry();
    try {
      const app = await registry.registerApp('shop', { database: db.config(), migrations: { directory, enabled: false } });
      expect((await app.migrationStatus()).applied).toEqual([]);
      const result = await app.runMigrations();
      expect(result.applied).toHaveLength(3);
      expect((await app.migrationStatus()).applied.map((entry) => entry.origin)).toEqual(['run', 'run', 'run']);
      expect(await db.knex('knexus_migrations').where({ app: 'other' }).select('name', 'origin')).toEqual([
        { name: 'x.mjs', origin: 'run' },
      ]);
    } finally {
      await registry.shutdown();
    }
  });
});
