import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DIALECTS } from './support/databases.js';
import { useDatabase } from './support/use-database.js';
import { useRegistry } from './support/use-registry.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const FILES = ['001_plain.js', '002_common.cjs', '003_default.mjs', '004_typed.ts', '005_defaulted.ts', '006_outside_transaction.mjs'];
const TABLES = ['formats_js', 'formats_cjs', 'formats_mjs', 'formats_ts', 'formats_ts_default'];

describe.each(DIALECTS)('migrations: file formats (%s)', (dialect) => {
  const db = useDatabase(dialect);
  const createRegistry = useRegistry();

  it('loads .js, .cjs, .mjs and .ts files with named or default exports, honours transaction: false, skips other files', async () => {
    const registry = createRegistry();
    // One pooled connection is enough: the lock, every transaction and the transaction: false file share it.
    const database = db.config({ pool: { min: 0, max: 1 } });
    const app = await registry.registerApp('formats', { database, migrations: { directory: fixture('migrations-formats') } });
    expect((await app.migrationStatus()).applied.map((entry) => entry.name)).toEqual(FILES);
    for (const table of TABLES) expect(await db.knex.schema.hasTable(table)).toBe(true);
    if (dialect === 'pg') {
      const { rows } = await db.knex.raw("select indisvalid from pg_index where indexrelid = 'formats_js_id_idx'::regclass");
      expect(rows).toEqual([{ indisvalid: true }]);
    }
    expect(await app.rollbackMigrations()).toMatchObject({ rolledBack: [...FILES].reverse() });
    for (const table of TABLES) expect(await db.knex.schema.hasTable(table)).toBe(false);
    await registry.shutdown();
  });

  it('a file that fails to import is KNEXUS_ERR_MODULE_LOAD naming it', async () => {
    const registry = createRegistry();
    const error = await registry
      .registerApp('broken', { database: db.config(), migrations: { directory: fixture('migrations-broken-import') } })
      .catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ code: 'KNEXUS_ERR_MODULE_LOAD', appName: 'broken', file: '001_broken.mjs' });
    expect(String((error as Error).cause)).toMatch(/knexus-fixture-package-that-does-not-exist/);
    await registry.shutdown();
  });

  it('the same file name in two directories is a configuration error, since names key the ledger', async () => {
    const registry = createRegistry();
    await expect(
      registry.registerApp('twice', {
        database: db.config(),
        migrations: { directory: [fixture('migrations-formats'), fixture('migrations-duplicate')] },
      }),
    ).rejects.toMatchObject({ code: 'KNEXUS_ERR_INVALID_CONFIG', appName: 'twice', file: '001_plain.js' });
    await registry.shutdown();
  });
});
