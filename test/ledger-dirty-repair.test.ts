import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { AppRegistry, type LedgerRepairedEvent } from '../src/index.js';
import { DIALECTS, type TestDatabase } from './support/databases.js';
import { useDatabase } from './support/use-database.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const flags = globalThis as { knexusDirtyFail?: boolean };

async function ledger(db: TestDatabase, app: string): Promise<{ name: string; batch: number }[]> {
  const rows = (await db.knex('knexus_migrations').where({ app }).orderBy('id').select('name', 'batch')) as {
    name: string;
    batch: number;
  }[];
  return rows.map((row) => ({ name: row.name, batch: Number(row.batch) }));
}

describe.each(DIALECTS)('dirty ledger and repair (%s)', (dialect) => {
  const db = useDatabase(dialect);
  afterEach(async () => {
    delete flags.knexusDirtyFail;
    for (const table of ['dirty_second', 'dirty_first', 'dirty_base']) await db?.knex.schema.dropTableIfExists(table);
    await db?.knex.schema.dropTableIfExists('knexus_migrations');
  });

  it('a transaction = false migration failing half-way leaves the app dirty until repaired as rolled-back', async () => {
    const registry = new AppRegistry();
    const repaired: LedgerRepairedEvent[] = [];
    registry.on('ledger-repaired', (event) => repaired.push(event));
    const register = () =>
      registry.registerApp('ledgered', { database: db!.config(), migrations: { directory: fixture('migrations-dirty') } });
    try {
      flags.knexusDirtyFail = true;
      const failure = await register().catch((thrown: unknown) => thrown);
      expect(failure).toMatchObject({
        code: 'KNEXUS_ERR_MIGRATION_FAILED',
        file: '002_outside.mjs',
        details: { dirty: true, hint: expect.stringMatching(/002_outside\.mjs may be partly applied: it runs outside a transaction/) },
      });
      expect(await db.knex.schema.hasTable('dirty_first')).toBe(true);
      expect(await ledger(db, 'ledgered')).toEqual([
        { name: '001_base.mjs', batch: 1 },
        { name: '002_outside.mjs', batch: -1 },
      ]);

      // Even with the file fixed, nothing more runs on a dirty ledger.
      delete flags.knexusDirtyFail;
      await expect(register()).rejects.toMatchObject({
        code: 'KNEXUS_ERR_LEDGER_DIRTY',
        appName: 'ledgered',
        file: '002_outside.mjs',
        details: { files: ['002_outside.mjs'] },
      });

      // A human undoes the half-applied file, then says so; the file runs again in full at the next registration.
      await db.knex.schema.dropTable('dirty_first');
      await expect(registry.repair('ledgered', { migration: '002_outside.mjs', resolution: 'rolled-back' })).resolves.toEqual({
        file: '002_outside.mjs',
        resolution: 'rolled-back',
        batch: null,
      });
      expect(repaired).toEqual([
        { appName: 'ledgered', section: 'migrations', file: '002_outside.mjs', resolution: 'rolled-back', batch: null },
      ]);
      const app = await register();
      expect(await app.migrationStatus()).toMatchObject({ pending: [], dirty: [] });
      expect(await db.knex.schema.hasTable('dirty_second')).toBe(true);
      expect(await ledger(db, 'ledgered')).toEqual([
        { name: '001_base.mjs', batch: 1 },
        { name: '002_outside.mjs', batch: 2 },
      ]);
    } finally {
      await registry.shutdown();
    }
  });

  it('repair as applied keeps the file in its batch; repairing a clean file is a coded error', async (t) => {
    const registry = new AppRegistry();
    try {
      flags.knexusDirtyFail = true;
      await expect(
        registry.registerApp('finisher', { database: db.config(), migrations: { directory: fixture('migrations-dirty') } }),
      ).rejects.toMatchObject({
        code: 'KNEXUS_ERR_MIGRATION_FAILED',
      });
      // A human finishes the file by hand instead.
      await db.knex.schema.createTable('dirty_second', (t) => t.integer('id'));
      await expect(registry.repair('finisher', { migration: '001_base.mjs', resolution: 'applied' })).rejects.toMatchObject({
        code: 'KNEXUS_ERR_MIGRATION_NOT_FOUND',
        details: { dirty: ['002_outside.mjs'] },
      });
      await expect(registry.repair('finisher', { migration: '002_outside.mjs', resolution: 'done' as never })).rejects.toMatchObject({
        code: 'KNEXUS_ERR_INVALID_CONFIG',
        field: 'resolution',
      });
      await registry.repair('finisher', { migration: '002_outside.mjs', resolution: 'applied' });
      const app = await registry.registerApp('finisher', { database: db.config(), migrations: { directory: fixture('migrations-dirty') } });
      expect(await app.migrationStatus()).toMatchObject({
        applied: [
          { name: '001_base.mjs', batch: 1 },
          { name: '002_outside.mjs', batch: 1 },
        ],
        pending: [],
        dirty: [],
      });
      // Rolling back works again, and a failed non-transactional undo would mark the file the same way.
      await registry.unregisterApp('finisher', { rollback: 'all' });
      expect(await ledger(db, 'finisher')).toEqual([]);
    } finally {
      await registry.shutdown();
    }
  });

  it('a failing transactional migration is dirty only where the database cannot take it back (MariaDB DDL)', async () => {
    const registry = new AppRegistry();
    try {
      const failure = await registry
        .registerApp('halfway', { database: db.config(), migrations: { directory: fixture('migrations-failing') } })
        .catch((thrown: unknown) => thrown);
      const dirty = dialect === 'mariadb';
      expect(failure).toMatchObject({
        code: 'KNEXUS_ERR_MIGRATION_FAILED',
        file: '002_half.mjs',
        details: {
          dirty,
          hint: dirty
            ? expect.stringMatching(/MySQL\/MariaDB commit at once on DDL/)
            : expect.stringMatching(/ran in a transaction, so nothing of it was applied/),
        },
      });
      const expected = [{ name: '001_accounts.mjs', batch: 1 }, ...(dirty ? [{ name: '002_half.mjs', batch: -1 }] : [])];
      expect(await ledger(db, 'halfway')).toEqual(expected);
    } finally {
      await registry.shutdown();
      for (const table of ['failing_half', 'failing_accounts']) await db.knex.schema.dropTableIfExists(table);
    }
  });
});
