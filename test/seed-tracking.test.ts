import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DIALECTS, type TestDatabase } from './support/databases.js';
import { useDatabase } from './support/use-database.js';
import { useRegistry } from './support/use-registry.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const migrations = { directory: fixture('migrations-seeded') };
const seeds = { directory: fixture('seeds-tracking') };

async function count(db: TestDatabase, table: string): Promise<number> {
  const [row] = (await db.knex(table).count({ n: '*' })) as { n: number | string }[];
  return Number(row?.n);
}

describe.each(DIALECTS)('seeds: tracked per app (%s)', (dialect) => {
  const db = useDatabase(dialect);
  const createRegistry = useRegistry();

  it('each seed runs once per app, across registrations, and status lists the irreversible ones', async () => {
    const registry = createRegistry();
    const app = await registry.registerApp('library', { database: db.config(), migrations, seeds });
    expect(await count(db, 'seeded_authors')).toBe(2);
    expect(await app.runSeeds()).toMatchObject({ batch: null, applied: [] });

    await registry.unregisterApp('library', { skipRollback: true });
    const again = await registry.registerApp('library', { database: db.config(), migrations, seeds });
    expect(await count(db, 'seeded_authors')).toBe(2);
    expect(await again.seedStatus()).toMatchObject({
      applied: [
        { name: '01_authors.mjs', batch: 1 },
        { name: '02_settings.mjs', batch: 1 },
        { name: '03_tags.mjs', batch: 1 },
      ],
      pending: [],
      drifted: [],
      irreversible: ['02_settings.mjs'],
    });

    // Rolling back undoes newest first; the seed without an undo leaves the ledger and is reported.
    expect(await again.rollbackSeeds({ all: true })).toMatchObject({
      rolledBack: ['03_tags.mjs', '01_authors.mjs'],
      irreversible: ['02_settings.mjs'],
    });
    expect(await count(db, 'seeded_authors')).toBe(0);
    expect(await count(db, 'seeded_tags')).toBe(0);
    expect(await count(db, 'seeded_settings')).toBe(1);
    expect(await again.seedStatus()).toMatchObject({ applied: [], irreversible: [] });

    await db.knex('seeded_settings').delete();
    await registry.unregisterApp('library', { rollback: 'all' });
    await registry.shutdown();
  });

  it('rollbackSeeds({ step }) undoes the last n seeds; another app on the database has its own seed history', async () => {
    const registry = createRegistry();
    const app = await registry.registerApp('press', { database: db.config(), migrations, seeds });
    expect(await app.rollbackSeeds({ step: 1 })).toMatchObject({ rolledBack: ['03_tags.mjs'], irreversible: [] });
    // The old spelling is refused instead of silently undoing the whole batch.
    await expect(app.rollbackSeeds({ steps: 1 } as never)).rejects.toMatchObject({ code: 'KNEXUS_ERR_INVALID_CONFIG', field: 'steps' });
    expect((await app.seedStatus()).applied.map((s) => s.name)).toContain('02_settings.mjs');
    expect((await app.seedStatus()).pending).toEqual(['03_tags.mjs']);

    // Same database, other app: its seeds have never run, whatever `press` did.
    const other = await registry.registerApp('press_two', { database: db.config(), seeds });
    expect(await count(db, 'seeded_authors')).toBe(4);
    expect((await other.seedStatus()).applied.map((entry) => entry.name)).toEqual(['01_authors.mjs', '02_settings.mjs', '03_tags.mjs']);
    await registry.unregisterApp('press_two', { rollback: 'all' });
    expect((await app.seedStatus()).applied.map((entry) => entry.name)).toEqual(['01_authors.mjs', '02_settings.mjs']);

    expect(await app.runSeeds()).toMatchObject({ batch: 2, applied: ['03_tags.mjs'] });
    expect(await app.rollbackSeeds()).toMatchObject({ rolledBack: ['03_tags.mjs'] });
    await db.knex('seeded_settings').delete();
    await registry.unregisterApp('press', { rollback: 'all' });
    await registry.shutdown();
  });

  it('a failing seed is KNEXUS_ERR_SEED_FAILED naming the file, and leaves neither its rows nor its ledger row', async () => {
    const registry = createRegistry();
    const app = await registry.registerApp('broken', { database: db.config(), migrations });
    const failing = await registry.registerApp('broken_seeds', {
      database: db.config(),
      seeds: { directory: fixture('seeds-failing'), enabled: false },
    });
    await expect(failing.runSeeds()).rejects.toMatchObject({
      code: 'KNEXUS_ERR_SEED_FAILED',
      appName: 'broken_seeds',
      file: '02_broken.mjs',
      direction: 'up',
      details: { applied: ['01_ok.mjs'] },
      cause: expect.objectContaining({ message: expect.stringMatching(/seeded_nowhere/) }),
    });
    expect((await db.knex('seeded_authors').select('name')).map((row: { name: string }) => row.name)).toEqual(['Linus']);
    expect((await failing.seedStatus()).applied.map((entry) => entry.name)).toEqual(['01_ok.mjs']);
    await failing.rollbackSeeds({ all: true });
    await registry.unregisterApp('broken_seeds');
    await app.rollbackMigrations({ all: true });
    await registry.shutdown();
  });
});
