import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DIALECTS, type TestDatabase } from './support/databases.js';
import { useDatabase } from './support/use-database.js';
import { useRegistry } from './support/use-registry.js';

const fixture = (dir: string) => fileURLToPath(new URL(`./fixtures/unregister/${dir}`, import.meta.url));
const migrations = { directory: fixture('migrations') };
const seeds = { directory: fixture('seeds') };

async function tables(db: TestDatabase): Promise<string[]> {
  const names = ['authors', 'posts', 'tags'];
  const present = await Promise.all(names.map((n) => db.knex.schema.hasTable(n)));
  return names.filter((_, i) => present[i]);
}

describe.each(DIALECTS)('unregister rollback (%s)', (dialect) => {
  const db = useDatabase(dialect);
  const createRegistry = useRegistry();

  it('undoes what the registration applied: its seed batch, then its migration batch', async () => {
    const registry = createRegistry();
    const order: string[] = [];
    registry.on('app-rollback-started', () => order.push('rollback-started'));
    registry.on('app-rollback-completed', (e) =>
      order.push(`rollback-completed:${e.result.seeds?.rolledBack}|${e.result.migrations?.rolledBack}`),
    );
    const conn = await registry.registerApp('blog', { database: db.config(), migrations, seeds });
    const [{ n }] = (await conn.knex('authors').count({ n: '*' })) as [{ n: number | string }];
    expect(Number(n)).toBe(2);
    expect(await tables(db)).toEqual(['authors', 'posts']);
    await registry.unregisterApp('blog');
    expect(order).toEqual(['rollback-started', 'rollback-completed:001_authors.mjs|002_posts.mjs,001_authors.mjs']);
    expect(await tables(db)).toEqual([]);
    await registry.shutdown();
  });

  it('a second registration applies nothing, so its unregistration rolls nothing back', async () => {
    const first = createRegistry();
    await first.registerApp('blog', { database: db.config(), migrations, seeds });
    await first.shutdown(); // never rolls back
    expect(await tables(db)).toEqual(['authors', 'posts']);

    const second = createRegistry();
    const rollbacks: unknown[] = [];
    second.on('app-rollback-started', (e) => rollbacks.push(e));
    const registered = new Promise((resolve) => second.once('app-registered', resolve));
    await second.registerApp('blog', { database: db.config(), migrations, seeds });
    expect(await registered).toMatchObject({ result: { migrations: { applied: [], batch: null }, seeds: { applied: [], batch: null } } });
    await second.unregisterApp('blog');
    expect(rollbacks).toEqual([]);
    expect(await tables(db)).toEqual(['authors', 'posts']);

    // rollback: 'all' undoes the app's whole history.
    await second.registerApp('blog', { database: db.config(), migrations, seeds });
    await second.unregisterApp('blog', { rollback: 'all' });
    expect(await tables(db)).toEqual([]);
    await second.shutdown();
  });

  it('skipRollback keeps the data', async () => {
    const registry = createRegistry();
    await registry.registerApp('blog', { database: db.config(), migrations, seeds });
    await registry.unregisterApp('blog', { skipRollback: true });
    expect(await tables(db)).toEqual(['authors', 'posts']);
    await registry.registerApp('blog', { database: db.config(), migrations, seeds });
    await registry.unregisterApp('blog', { rollback: 'all' });
    expect(await tables(db)).toEqual([]);
    await registry.shutdown();
  });

  it('a rollback error stops the rollback, names the file, and keeps the app registered', async () => {
    const registry = createRegistry();
    const completed: unknown[] = [];
    const unregistered: unknown[] = [];
    registry.on('app-rollback-completed', (e) => completed.push(e));
    registry.on('app-unregistered', (e) => unregistered.push(e));
    await registry.registerApp('blog', {
      database: db.config(),
      migrations: { directory: [fixture('migrations'), fixture('migrations-broken-down')] },
    });
    const error = await registry.unregisterApp('blog').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'KNEXUS_ERR_MIGRATION_FAILED', appName: 'blog', file: '003_tags.mjs', direction: 'down' });
    expect(completed).toEqual([]);
    expect(unregistered).toEqual([]);
    expect(registry.hasApp('blog')).toBe(true);
    // Nothing after the failing file was undone.
    expect(await tables(db)).toEqual(['authors', 'posts', 'tags']);
    await registry.unregisterApp('blog', { skipRollback: true });
    await registry.shutdown();
    await db.knex.schema.dropTableIfExists('tags');
    await db.knex.schema.dropTableIfExists('posts');
    await db.knex.schema.dropTableIfExists('authors');
    await db.knex('knexus_migrations').del();
  });

  it('rejects bad unregister options before changing anything', async () => {
    const registry = createRegistry();
    await registry.registerApp('blog', { database: db.config(), migrations, seeds });
    await expect(registry.unregisterApp('blog', { rollback: 'everything' } as never)).rejects.toMatchObject({
      code: 'KNEXUS_ERR_INVALID_CONFIG',
      field: 'rollback',
    });
    expect(registry.hasApp('blog')).toBe(true);
    expect(await tables(db)).toEqual(['authors', 'posts']);
    await registry.unregisterApp('blog');
    await registry.shutdown();
  });
});
