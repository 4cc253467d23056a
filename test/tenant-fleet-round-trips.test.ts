import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TENANT_MIGRATIONS, tablesIn, tenantSchema, useTenantDatabase } from './support/tenants.js';
import { useRegistry } from './support/use-registry.js';

const NEXT = fileURLToPath(new URL('./fixtures/tenancy/migrations-next', import.meta.url));

describe.each(['pg', 'mariadb'] as const)('a fleet migration costs few round trips per tenant (%s)', (dialect) => {
  const db = useTenantDatabase(dialect);
  const createRegistry = useRegistry();

  it('one new file over migrated tenants: the ledger is read once, under the lock, with no catalog query', async () => {
    const names = Array.from({ length: 4 }, (_, i) => tenantSchema(db, `rt${i}`));
    const setup = createRegistry();
    await setup.registerApp('main', { database: db.config(), reusable: true });
    for (const name of names) await setup.registerApp(name, { useConnection: 'main', schema: name, migrations: TENANT_MIGRATIONS });
    await setup.shutdown();

    const registry = createRegistry({
      tenants: { owner: 'main', list: () => names, migrations: { directory: [TENANT_MIGRATIONS.directory, NEXT] } },
    });
    await registry.registerApp('main', { database: db.config({ pool: { min: 0, max: 4 } }), reusable: true });
    const seen = new Map<string, string[]>();
    registry.on('app-registered', ({ appName }) => {
      const statements: string[] = [];
      seen.set(appName, statements);
      registry.getApp(appName).knex.on('query', ({ sql }: { sql: string }) => statements.push(sql));
    });
    const report = await registry.tenants!.migrate({ concurrency: 2 });
    expect(report).toMatchObject({ ok: true, done: 4 });
    for (const name of names) expect(await tablesIn(db, name)).toContain('labels');
    for (const name of names) {
      const statements = seen.get(name) ?? [];
      const ledgerReads = statements.filter((sql) => /^select \* from .*knexus_migrations/i.test(sql));
      const catalogReads = statements.filter((sql) => /pg_attribute|information_schema\.columns/i.test(sql));
      expect({ name, ledgerReads: ledgerReads.length, catalogReads: catalogReads.length }).toEqual({
        name,
        ledgerReads: 1,
        catalogReads: 0,
      });
      if (dialect === 'pg') expect(statements.filter((sql) => /savepoint/i.test(sql))).toEqual([]);
    }
  });
});
