import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TENANT_MIGRATIONS, tablesIn, tenantSchema, useTenantDatabase } from './support/tenants.js';
import { useRegistry } from './support/use-registry.js';

const NEXT = fileURLToPath(new URL('./fixtures/tenancy/migrations-next', import.meta.url));

describe.each(['pg', 'mariadb'] as const)('a fleet migration costs few round trips per tenant (%s)', (dialect) => {
  const db = useTenantDatabase(dialect);
  const createRegistry = useRegistry();

  /** Tenants migrated with the first two files, and a registry whose tenants have a third. */
  async function migratedFleet(prefix: string) {
    const names = Array.from({ length: 4 }, (_, i) => tenantSchema(db, `${prefix}${i}`));
    const setup = createRegistry();
    await setup.registerApp('main', { database: db.config(), reusable: true });
    for (const name of names) await setup.registerApp(name, { useConnection: 'main', schema: name, migrations: TENANT_MIGRATIONS });
    await setup.shutdown();
    const registry = createRegistry({
      tenants: { owner: 'main', attach: 'off', list: () => names, migrations: { directory: [TENANT_MIGRATIONS.directory, NEXT] } },
    });
    await registry.registerApp('main', { database: db.config({ pool: { min: 0, max: 4 } }), reusable: true });
    return { names, registry };
  }

  it('an attached tenant: the ledger is read once, under the lock, with no catalog query', async () => {
    const { names, registry } = await migratedFleet('rta');
    const seen = new Map<string, string[]>();
    for (const name of names) {
      const statements: string[] = [];
      seen.set(name, statements);
      (await registry.tenant(name)).knex.on('query', ({ sql }: { sql: string }) => statements.push(sql));
    }
    const report = await registry.tenants!.migrate({ concurrency: 2 });
    expect(report).toMatchObject({ ok: true, done: 4 });
    for (const name of names) {
      expect(await tablesIn(db, name)).toContain('labels');
      const statements = seen.get(name) ?? [];
      const ledgerReads = statements.filter((sql) => /^select \* from .*knexus_migrations/i.test(sql));
      const catalogReads = statements.filter((sql) => /pg_attribute|information_schema\.columns/i.test(sql));
      expect({ name, ledgerReads: ledgerReads.length, catalogReads: catalogReads.length }).toEqual({
        name,
        ledgerReads: 1,
        catalogReads: 0,
      });
      if (dialect === 'pg') {
        expect(statements.filter((sql) => /savepoint/i.test(sql))).toEqual([]);
        // The connection's switch to the tenant (reset, then its search_path) leads the lock's first try: one round trip.
        const tries = statements.filter((sql) => /pg_try_advisory_lock/.test(sql));
        expect(tries).toHaveLength(1);
        expect(tries[0]).toMatch(
          new RegExp(`^set session authorization default; reset all;.*; set search_path to "${name}"; select pg_try_advisory_lock`),
        );
      }
    }
  });

  it('a tenant not attached is migrated without registering it: no registration, nothing left resident, one manual run each', async () => {
    const { names, registry } = await migratedFleet('rtu');
    const registered: string[] = [];
    const completed: { appName: string; applied: readonly string[] }[] = [];
    registry.on('app-registered', ({ appName }) => registered.push(appName));
    registry.on('migrations-completed', ({ appName, result }) => completed.push({ appName, applied: result.applied }));
    const report = await registry.tenants!.migrate({ concurrency: 2 });
    expect(report).toMatchObject({ ok: true, done: 4 });
    expect(registered).toEqual([]);
    expect(registry.tenants!.status()).toMatchObject({ resident: 0, attaching: 0, failed: [] });
    expect(completed.sort((a, b) => a.appName.localeCompare(b.appName))).toEqual(
      names.map((appName) => ({ appName, applied: ['003_labels.mjs'] })),
    );
    for (const name of names) expect(await tablesIn(db, name)).toContain('labels');
    // The owner can leave once the job is done: the routes it lent are given back.
    await expect(registry.unregisterApp('main', { skipRollback: true })).resolves.toBe(true);
  });
});
