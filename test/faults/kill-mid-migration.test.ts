import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import { AppRegistry } from '../../src/index.js';
import { spawnChild } from '../fixtures/migrations-child/spawn-child.js';
import { DIALECTS } from '../support/databases.js';
import { useDatabase } from '../support/use-database.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/faults/${name}`, import.meta.url));

const CASES = [
  { folder: 'killed-tx', table: 'stalled_tx', transactional: true },
  { folder: 'killed-notx', table: 'stalled_notx', transactional: false },
] as const;

describe.each(DIALECTS)('kill -9 in the middle of a migration (%s)', (dialect) => {
  const db = useDatabase(dialect);
  let markers: string;
  beforeAll(async () => {
    markers = mkdtempSync(join(tmpdir(), 'knexus-kill-'));
  });
  afterAll(async () => {
    rmSync(markers, { recursive: true, force: true });
  });

  it.each(CASES)(
    '$folder: the lock frees itself; what may be half-applied is marked dirty, never applied twice or silently',
    async ({ folder, table, transactional }) => {
      const appName = `killed_${folder.replace('-', '_')}`;
      const marker = join(markers, `${appName}.marker`);
      const config = { database: db.config(), migrations: { directory: fixture(folder), lockTimeout: 5_000 } };
      const child = spawnChild(appName, config, { KNEXUS_FIXTURE_MARKER: marker });
      // Killed anyway if the test fails before it does: its stalled migration holds the lock and a connection.
      onTestFinished(() => child.kill('SIGKILL'));
      await child.ready;
      child.start();
      await vi.waitFor(() => expect(existsSync(marker)).toBe(true), { timeout: 15_000, interval: 20 });
      child.kill('SIGKILL');
      expect(await child.done).toMatchObject({ signal: 'SIGKILL', outcome: undefined });

      // SQLite's journal and PostgreSQL's transaction take a killed transactional file back entirely;
      // MariaDB has committed its DDL, and a transaction = false file's statements stay everywhere.
      const undone = transactional && dialect !== 'mariadb';
      expect(await db.knex.schema.hasTable(table)).toBe(!undone);
      const rows = (await db.knex.schema.hasTable('knexus_migrations'))
        ? ((await db.knex('knexus_migrations').where({ app: appName }).select('name', 'batch')) as { name: string; batch: number }[])
        : [];
      expect(rows.map((row) => ({ name: row.name, batch: Number(row.batch) }))).toEqual(
        undone ? [] : [{ name: '001_stall.mjs', batch: -1 }],
      );

      // The lock died with its holder: the next registration gets it at once and either applies the file
      // (nothing was left behind) or refuses, naming it, until a human repairs the ledger.
      const registry = new AppRegistry();
      try {
        if (undone) {
          const app = await registry.registerApp(appName, config);
          expect((await app.migrationStatus()).applied.map((entry) => entry.name)).toEqual(['001_stall.mjs']);
          await registry.unregisterApp(appName);
        } else {
          await expect(registry.registerApp(appName, config)).rejects.toMatchObject({
            code: 'KNEXUS_ERR_LEDGER_DIRTY',
            appName,
            file: '001_stall.mjs',
          });
          await registry.repair(appName, { migration: '001_stall.mjs', resolution: 'applied' });
          const app = await registry.registerApp(appName, config);
          expect(await app.migrationStatus()).toMatchObject({ pending: [], dirty: [] });
          // This registration applied nothing; the repaired file is undone with the app's whole history.
          await registry.unregisterApp(appName, { rollback: 'all' });
        }
        expect(await db.knex.schema.hasTable(table)).toBe(false);
      } finally {
        await registry.shutdown();
      }
    },
  );
});
