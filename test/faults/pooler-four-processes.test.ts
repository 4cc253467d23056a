/**
 * Four processes registering the same owner and 20 schema tenants at once through a real PgBouncer
 * (transaction pool and session pool, 5 server connections each), migrations on `directConnection`:
 * every file runs exactly once, every tenant ends with its tables and ledger, no advisory lock outlives
 * the processes; and a process killed with -9 in the middle of a migration leaves no lock behind.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import { AppRegistry, type DatabaseConfig } from '../../src/index.js';
import { spawnChild } from '../fixtures/migrations-child/spawn-child.js';
import { spawnTenants } from '../fixtures/pooler-child/spawn-tenants.js';
import { PG } from '../support/databases.js';
import { usePgBouncer } from '../support/pgbouncer.js';
import { TENANT_MIGRATIONS, tablesIn } from '../support/tenants.js';
import { useDatabase } from '../support/use-database.js';

const TENANTS = 20;
const PROCESSES = 4;
const FILES = ['001_notes.mjs', '002_tags.mjs'];

async function advisoryLocks(knex: Knex, database: string): Promise<number> {
  const result = (await knex.raw(
    "select count(*)::int as n from pg_locks l join pg_database d on d.oid = l.database where l.locktype = 'advisory' and d.datname = ?",
    [database],
  )) as { rows: { n: number }[] };
  return result.rows[0]!.n;
}

describe('migrations through PgBouncer from several processes', () => {
  const db = useDatabase('pg');
  const bouncer = usePgBouncer();
  let markers: string;
  beforeAll(() => {
    markers = mkdtempSync(join(tmpdir(), 'knexus-pooler-kill-'));
  });
  afterAll(() => {
    rmSync(markers, { recursive: true, force: true });
  });

  const database = (mode: 'transaction' | 'session'): DatabaseConfig => ({
    client: 'pg',
    connection: bouncer[mode].connection(db.name),
    pooler: mode,
    directConnection: { ...PG, database: db.name },
    // Four processes share the session pool's 5 server connections.
    pool: { max: mode === 'session' ? 1 : 4 },
  });

  it.each(['transaction', 'session'] as const)(
    `%s pool: ${PROCESSES} processes × ${TENANTS} tenants, every file exactly once, 0 advisory locks after exit`,
    async (mode) => {
      const prefix = mode === 'transaction' ? 'pt' : 'ps';
      const job = {
        owner: { name: 'main', config: { database: database(mode), reusable: true } },
        tenants: Array.from({ length: TENANTS }, (_, i) => ({
          name: `${prefix}${i}`,
          config: { useConnection: 'main', schema: `${prefix}${i}`, migrations: { ...TENANT_MIGRATIONS, lockTimeout: 60_000 } },
        })),
      };
      const children = Array.from({ length: PROCESSES }, () => spawnTenants(job));
      await Promise.all(children.map((child) => child.ready));
      for (const child of children) child.start();
      const results = await Promise.all(children.map((child) => child.done));

      expect(results.map((r) => [r.exitCode, r.outcome?.ok, r.outcome?.code])).toEqual(
        Array.from({ length: PROCESSES }, () => [0, true, undefined]),
      );
      for (let i = 0; i < TENANTS; i++) {
        const tenant = `${prefix}${i}`;
        const applied = results.flatMap((r) => r.outcome?.applied?.[tenant] ?? []).sort();
        expect(applied, tenant).toEqual(FILES);
        expect(await tablesIn(db, tenant), tenant).toEqual(['knexus_migrations', 'notes', 'tags']);
        const rows = (await db.knex.withSchema(tenant).from('knexus_migrations').where({ app: tenant }).pluck('name')) as string[];
        expect(rows.sort(), tenant).toEqual(FILES);
      }
      await vi.waitFor(async () => expect(await advisoryLocks(db.knex, db.name)).toBe(0), { timeout: 5000, interval: 50 });
    },
    120_000,
  );

  it('kill -9 of a process migrating through the transaction pooler: its lock dies with it, the file is not half applied', async () => {
    const marker = join(markers, 'killed.marker');
    const config = {
      database: database('transaction'),
      schema: 'pk',
      migrations: { directory: fileURLToPath(new URL('../fixtures/faults/killed-tx', import.meta.url)), lockTimeout: 5_000 },
    };
    const child = spawnChild('killed', config, { KNEXUS_FIXTURE_MARKER: marker });
    // Killed anyway if the test fails before it does: its stalled migration holds the lock and a connection.
    onTestFinished(() => child.kill('SIGKILL'));
    await child.ready;
    child.start();
    let exited: unknown;
    void child.done.then((result) => (exited = result));
    await vi.waitFor(() => expect({ marker: existsSync(marker), exited }).toEqual({ marker: true, exited: undefined }), {
      timeout: 15_000,
      interval: 20,
    });
    expect(await advisoryLocks(db.knex, db.name)).toBeGreaterThan(0);
    child.kill('SIGKILL');
    expect(await child.done).toMatchObject({ signal: 'SIGKILL', outcome: undefined });

    await vi.waitFor(async () => expect(await advisoryLocks(db.knex, db.name)).toBe(0), { timeout: 5000, interval: 50 });
    expect(await tablesIn(db, 'pk')).not.toContain('stalled_tx');
    const registry = new AppRegistry();
    try {
      const app = await registry.registerApp('killed', config);
      expect((await app.migrationStatus()).applied.map((entry) => entry.name)).toEqual(['001_stall.mjs']);
      expect(await advisoryLocks(db.knex, db.name)).toBe(0);
    } finally {
      await registry.shutdown();
    }
    expect(await advisoryLocks(db.knex, db.name)).toBe(0);
  });
});
