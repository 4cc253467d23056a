import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { AppRegistry } from '../src/index.js';
import { useDatabase } from './support/use-database.js';

const migrations = fileURLToPath(new URL('./fixtures/migrations-implicit-commit', import.meta.url));
const flags = globalThis as { knexusImplicitSql?: string };

describe('MariaDB: a failed migration whose statements committed implicitly', () => {
  const db = useDatabase('mariadb');
  afterEach(async () => {
    delete flags.knexusImplicitSql;
    await db.knex.schema.dropTableIfExists('implicit_rows');
    await db.knex.schema.dropTableIfExists('knexus_migrations');
  });

  const rows = async () => ((await db.knex('implicit_rows').select('id')) as { id: number }[]).map((row) => row.id);

  it.each(['start transaction', 'begin', 'commit'])(
    'is dirty when the file ran `%s` (not DDL, but it commits what came before)',
    async (implicit) => {
      flags.knexusImplicitSql = implicit;
      const registry = new AppRegistry();
      try {
        const register = () => registry.registerApp('implicit', { database: db.config(), migrations: { directory: migrations } });
        const failure = await register().catch((error: unknown) => error);
        expect(failure).toMatchObject({
          code: 'KNEXUS_ERR_MIGRATION_FAILED',
          file: '002_fails.mjs',
          details: { dirty: true, hint: expect.stringMatching(/may be partly applied/) },
        });
        // The insert before it did commit: a run that called this "nothing applied" would insert it twice.
        expect(await rows()).toEqual([1]);
        await expect(register()).rejects.toMatchObject({ code: 'KNEXUS_ERR_LEDGER_DIRTY', file: '002_fails.mjs' });
      } finally {
        await registry.shutdown();
      }
    },
  );

  it('is not dirty when it ran only row changes, which its transaction took back', async () => {
    const registry = new AppRegistry();
    try {
      const failure = await registry
        .registerApp('implicit', { database: db.config(), migrations: { directory: migrations } })
        .catch((error: unknown) => error);
      expect(failure).toMatchObject({ code: 'KNEXUS_ERR_MIGRATION_FAILED', file: '002_fails.mjs', details: { dirty: false } });
      expect(await rows()).toEqual([]);
      const ledger = (await db.knex('knexus_migrations').where({ app: 'implicit' }).select('name', 'batch')) as {
        name: string;
        batch: number;
      }[];
      expect(ledger.map((row) => [row.name, Number(row.batch)])).toEqual([['001_rows.mjs', 1]]);
    } finally {
      await registry.shutdown();
    }
  });
});
