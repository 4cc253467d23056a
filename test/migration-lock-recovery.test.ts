import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { spawnChild } from './fixtures/migrations-child/spawn-child.js';
import { useDatabase } from './support/use-database.js';
import { useRegistry } from './support/use-registry.js';

const directory = fileURLToPath(new URL('./fixtures/migrations-killed', import.meta.url));

describe('migrations: a holder killed mid-migration frees the lock (pg)', () => {
  const db = useDatabase('pg');
  const createRegistry = useRegistry();

  it('kill -9 during a long statement: the lock is freed and a re-registration succeeds within the lock timeout', async () => {
    const child = spawnChild('phoenix', { database: db.config(), migrations: { directory } }, { KNEXUS_FIXTURE_PG_SLEEP: '60' });
    // Killed anyway if the test fails before it does: the child holds the lock for 60 s.
    onTestFinished(() => child.kill('SIGKILL'));
    await child.ready;
    child.start();
    // Wait until the child's session is inside the migration's pg_sleep (holding the advisory lock).
    await vi.waitFor(
      async () => {
        const { rows } = await db!.knex.raw("select 1 from pg_stat_activity where datname = ? and query like 'select pg_sleep%'", [
          db!.name,
        ]);
        expect(rows).toHaveLength(1);
      },
      { timeout: 8_000, interval: 25 },
    );
    child.kill('SIGKILL');
    expect(await child.done).toMatchObject({ signal: 'SIGKILL', outcome: undefined });

    const registry = createRegistry();
    const started = performance.now();
    const app = await registry.registerApp('phoenix', { database: db.config(), migrations: { directory, lockTimeout: 5_000 } });
    expect(performance.now() - started).toBeLessThan(5_000);
    // The killed transaction left nothing behind, so the migration ran exactly once, here.
    expect((await app.migrationStatus()).applied.map((entry) => entry.name)).toEqual(['001_slow.mjs']);
    expect(await db.knex.schema.hasTable('killed_items')).toBe(true);
    await registry.unregisterApp('phoenix');
    await registry.shutdown();
  });

  it('the server checks the holder is connected only while the lock is held, and a setting of its own is left alone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'knexus-check-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    // The migration records the session's setting while knexus holds the lock.
    writeFileSync(
      join(dir, '001_seen.mjs'),
      'export async function up(knex) { await knex.raw("create table seen as select current_setting(\'client_connection_check_interval\') as value"); }\n' +
        "export async function down(knex) { await knex.schema.dropTable('seen'); }\n",
    );
    const registry = createRegistry();
    const one = db.config({ pool: { min: 0, max: 1 } });
    const app = await registry.registerApp('checked', { database: one, migrations: { directory: dir } });
    const setting = async () => (await app.knex.raw('show client_connection_check_interval')).rows[0].client_connection_check_interval;
    expect((await app.knex('seen').select('value'))[0]).toEqual({ value: '500ms' });
    // Back to off on the one pooled connection once the lock is given back.
    expect(await setting()).toBe('0');
    // A session whose own value is on keeps it: knexus only switches the check on where it is off.
    await app.knex.raw("set client_connection_check_interval = '2s'");
    await app.rollbackMigrations();
    await app.runMigrations();
    expect(await setting()).toBe('2s');
    expect((await app.knex('seen').select('value'))[0]).toEqual({ value: '2s' });
  });
});
