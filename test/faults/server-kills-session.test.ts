import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { AppRegistry } from '../../src/index.js';
import { useDatabase } from '../support/use-database.js';

const directory = fileURLToPath(new URL('../fixtures/faults/killed-session', import.meta.url));
const flags = globalThis as { knexusSleepy?: boolean };

describe.each(['pg', 'mariadb'] as const)('the server kills the migrating connection (%s)', (dialect) => {
  const db = useDatabase(dialect);
  afterAll(async () => {
    delete flags.knexusSleepy;
  });

  /** The server-side id of the session sleeping in the migration, once there is one. */
  async function sleeper(): Promise<number> {
    if (dialect === 'pg') {
      const { rows } = await db!.knex.raw("select pid from pg_stat_activity where datname = ? and query like 'select pg_sleep%'", [
        db!.name,
      ]);
      expect(rows).toHaveLength(1);
      return Number(rows[0].pid);
    }
    const [rows] = await db!.knex.raw("select id from information_schema.processlist where db = ? and info like 'select sleep%'", [
      db!.name,
    ]);
    expect(rows).toHaveLength(1);
    return Number(rows[0].id);
  }

  it('fails with a coded error, frees the lock, and leaves the ledger truthful', async () => {
    const config = { database: db.config(), migrations: { directory, lockTimeout: 5_000 } };
    const registry = new AppRegistry();
    try {
      flags.knexusSleepy = true;
      const registering = registry.registerApp('sleepy', config);
      registering.catch(() => undefined);
      const id = await vi.waitFor(sleeper, { timeout: 10_000, interval: 20 });
      await db.knex.raw(dialect === 'pg' ? 'select pg_terminate_backend(?)' : `kill ${id}`, dialect === 'pg' ? [id] : []);
      await expect(registering).rejects.toMatchObject({
        code: 'KNEXUS_ERR_MIGRATION_FAILED',
        appName: 'sleepy',
        file: '001_sleepy.mjs',
        details: { dirty: dialect === 'mariadb' },
      });
      delete flags.knexusSleepy;

      // PostgreSQL took the transaction back; MariaDB had committed the CREATE TABLE, so the file is dirty.
      expect(await db.knex.schema.hasTable('sleepy_items')).toBe(dialect === 'mariadb');
      const again = new AppRegistry();
      try {
        if (dialect === 'pg') {
          const app = await again.registerApp('sleepy', config);
          expect((await app.migrationStatus()).applied.map((entry) => entry.name)).toEqual(['001_sleepy.mjs']);
        } else {
          await expect(again.registerApp('sleepy', config)).rejects.toMatchObject({
            code: 'KNEXUS_ERR_LEDGER_DIRTY',
            file: '001_sleepy.mjs',
          });
        }
      } finally {
        await again.shutdown();
      }
    } finally {
      await registry.shutdown();
    }
  });
});
