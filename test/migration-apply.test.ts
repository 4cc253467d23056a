import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DIALECTS, type TestDatabase } from './support/databases.js';
import { useDatabase } from './support/use-database.js';
import { useRegistry } from './support/use-registry.js';

const directory = fileURLToPath(new URL('./fixtures/migrations-basic', import.meta.url));
const FILES = ['001_users.mjs', '002_posts.mjs', '003_tags.mjs'];
const TABLES = ['basic_users', 'basic_posts', 'basic_tags'];
const sha256 = (file: string) =>
  createHash('sha256')
    .update(readFileSync(`${directory}/${file}`))
    .digest('hex');

async function tables(db: TestDatabase): Promise<string[]> {
  const present = await Promise.all(TABLES.map((name) => db.knex.schema.hasTable(name)));
  return TABLES.filter((_, i) => present[i]);
}

describe.each(DIALECTS)('migrations: apply, roll back, status (%s)', (dialect) => {
  const db = useDatabase(dialect);
  const createRegistry = useRegistry();

  it('registration applies every pending migration as one batch, and status shows batch, time and checksum', async () => {
    const registry = createRegistry();
    const registered = new Promise<{ result: { migrations: unknown } }>((resolve) => registry.once('app-registered', resolve));
    const before = new Date(Date.now() - 1000);
    const app = await registry.registerApp('shop', { database: db.config(), migrations: { directory } });
    expect((await registered).result.migrations).toMatchObject({ batch: 1, applied: FILES, drifted: [] });
    expect(await tables(db)).toEqual(TABLES);

    const status = await app.migrationStatus();
    expect(status.pending).toEqual([]);
    expect(status.drifted).toEqual([]);
    expect(status.applied.map((entry) => [entry.name, entry.batch, entry.checksum])).toEqual(FILES.map((file) => [file, 1, sha256(file)]));
    for (const entry of status.applied) {
      expect(entry.appliedAt).toBeInstanceOf(Date);
      expect(entry.appliedAt.getTime()).toBeGreaterThanOrEqual(before.getTime());
    }
    expect(await app.runMigrations()).toMatchObject({ batch: null, applied: [] });

    await registry.unregisterApp('shop');
    expect(await tables(db)).toEqual([]);
    await registry.shutdown();
  });

  it('runMigrations({ to }) stops at a file; rollbacks undo the last batch, n steps, one batch, or everything', async () => {
    const registry = createRegistry();
    const app = await registry.registerApp('blog', { database: db.config(), migrations: { directory, enabled: false } });
    expect((await app.migrationStatus()).pending).toEqual(FILES);

    expect(await app.runMigrations({ to: '002_posts' })).toMatchObject({ batch: 1, applied: ['001_users.mjs', '002_posts.mjs'] });
    expect(await app.runMigrations()).toMatchObject({ batch: 2, applied: ['003_tags.mjs'] });
    expect((await app.migrationStatus()).applied.map((entry) => entry.batch)).toEqual([1, 1, 2]);

    expect(await app.rollbackMigrations()).toMatchObject({ rolledBack: ['003_tags.mjs'], irreversible: [] });
    expect(await app.rollbackMigrations({ step: 1 })).toMatchObject({ rolledBack: ['002_posts.mjs'] });
    expect(await tables(db)).toEqual(['basic_users']);

    expect(await app.runMigrations()).toMatchObject({ batch: 2, applied: ['002_posts.mjs', '003_tags.mjs'] });
    expect(await app.rollbackMigrations({ batch: 1 })).toMatchObject({ rolledBack: ['001_users.mjs'] });
    expect((await app.migrationStatus()).pending).toEqual(['001_users.mjs']);
    expect(await app.rollbackMigrations({ all: true })).toMatchObject({ rolledBack: ['003_tags.mjs', '002_posts.mjs'] });
    expect(await tables(db)).toEqual([]);
    expect(await app.migrationStatus()).toMatchObject({ applied: [], pending: FILES });
    expect(await app.rollbackMigrations()).toMatchObject({ rolledBack: [] });
    await registry.shutdown();
  });

  it('`to` naming no pending migration is KNEXUS_ERR_MIGRATION_NOT_FOUND and applies nothing', async () => {
    const registry = createRegistry();
    const app = await registry.registerApp('notes', { database: db.config(), migrations: { directory, enabled: false } });
    await expect(app.runMigrations({ to: '009_nope' })).rejects.toMatchObject({
      code: 'KNEXUS_ERR_MIGRATION_NOT_FOUND',
      appName: 'notes',
      file: '009_nope',
    });
    expect((await app.migrationStatus()).applied).toEqual([]);
    await registry.shutdown();
  });
});
