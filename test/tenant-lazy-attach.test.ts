import { describe, expect, it, vi } from 'vitest';
import type { AppRegistry, TenantDirectoryOptions } from '../src/index.js';
import { TENANT_MIGRATIONS, schemaExists, tablesIn, tenantSchema, useTenantDatabase } from './support/tenants.js';
import { useRegistry } from './support/use-registry.js';

describe.each(['pg', 'mariadb'] as const)('tenants attached lazily (%s)', (dialect) => {
  const db = useTenantDatabase(dialect);
  const createRegistry = useRegistry();
  const names = (count: number, from = 0) => Array.from({ length: count }, (_, i) => tenantSchema(db, `lazy${from + i}`));

  async function fleet(tenants: Omit<TenantDirectoryOptions, 'owner'>): Promise<AppRegistry> {
    const registry = createRegistry({ tenants: { owner: 'main', ...tenants } });
    await registry.registerApp('main', { database: db.config({ pool: { min: 0, max: 4 } }), reusable: true });
    return registry;
  }

  it('200 concurrent first requests for 20 tenants: one registration per tenant, no error', async () => {
    const fleetNames = names(20);
    const registry = await fleet({ list: () => fleetNames, migrations: TENANT_MIGRATIONS });
    const registered: string[] = [];
    registry.on('app-registered', ({ appName }) => registered.push(appName));
    const handles = await Promise.all(Array.from({ length: 200 }, (_, i) => registry.tenant(fleetNames[i % 20]!)));
    expect(registered.sort()).toEqual([...fleetNames].sort());
    expect(new Set(handles).size).toBe(20);
    expect(await tablesIn(db, fleetNames[3]!)).toEqual(expect.arrayContaining(['notes', 'tags']));
    expect(registry.tenants!.status()).toMatchObject({ resident: 20, attaching: 0, failed: [] });
  });

  it('a name list() does not give is KNEXUS_ERR_TENANT_NOT_FOUND, and nothing is created', async () => {
    const [known, unknown] = names(2, 100);
    const registry = await fleet({
      list: async function* () {
        yield known!;
      },
    });
    await expect(registry.tenant(unknown!)).rejects.toMatchObject({ code: 'KNEXUS_ERR_TENANT_NOT_FOUND', appName: unknown });
    expect(await schemaExists(db, unknown!)).toBe(false);
    expect(registry.hasApp(unknown!)).toBe(false);
  });

  it('a failed attach is reported and retried by the next caller, not cached', async () => {
    const [name] = names(1, 200);
    let calls = 0;
    const registry = await fleet({
      list: () => [name!],
      config: (tenant) => {
        calls++;
        if (calls === 1) throw new Error('directory service down');
        return { useConnection: 'main', schema: tenant };
      },
    });
    await expect(registry.tenant(name!)).rejects.toThrow('directory service down');
    expect(registry.tenants!.status().failed).toMatchObject([{ name, during: 'attach', attempts: 1 }]);
    const handle = await registry.tenant(name!);
    expect(handle.name).toBe(name);
    expect(registry.tenants!.status().failed).toEqual([]);
  });

  it('an idle tenant is detached without rollback: its tables and rows stay', async () => {
    const [name] = names(1, 300);
    const registry = await fleet({ list: () => [name!], migrations: TENANT_MIGRATIONS, idleTimeout: 40 });
    const handle = await registry.tenant(name!);
    await handle.knex('notes').insert({ body: 'kept' });
    await vi.waitFor(() => expect(registry.hasApp(name!)).toBe(false), { timeout: 5000, interval: 20 });
    expect(await tablesIn(db, name!)).toEqual(expect.arrayContaining(['notes', 'tags']));
    const again = await registry.tenant(name!);
    expect(await again.knex('notes').pluck('body')).toEqual(['kept']);
  });

  it('beyond maxResident the least recently used tenant is detached first', async () => {
    const fleetNames = names(4, 400);
    const registry = await fleet({ list: () => fleetNames, maxResident: 2, idleTimeout: 0 });
    for (const name of fleetNames.slice(0, 2)) await registry.tenant(name);
    await registry.tenant(fleetNames[0]!); // now the second is the least recently used
    await registry.tenant(fleetNames[2]!);
    await vi.waitFor(() => expect(registry.hasApp(fleetNames[1]!)).toBe(false), { timeout: 5000, interval: 20 });
    expect(registry.hasApp(fleetNames[0]!)).toBe(true);
    expect(registry.hasApp(fleetNames[2]!)).toBe(true);
  });

  it('a tenant holding a transaction is not detached until it commits', async () => {
    const [name] = names(1, 500);
    const registry = await fleet({ list: () => [name!], migrations: TENANT_MIGRATIONS, idleTimeout: 30 });
    const handle = await registry.tenant(name!);
    const trx = await handle.knex.transaction();
    await trx('notes').insert({ body: 'in flight' });
    // Several sweeps pass while the transaction is open.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(registry.hasApp(name!)).toBe(true);
    await trx.commit();
    await vi.waitFor(() => expect(registry.hasApp(name!)).toBe(false), { timeout: 5000, interval: 20 });
    expect(await db.knex(`${name}.notes`).pluck('body')).toEqual(['in flight']);
  });

  it('detach(name) waits for a transaction in flight, then detaches without rollback', async () => {
    const [name] = names(1, 700);
    const registry = await fleet({ list: () => [name!], migrations: TENANT_MIGRATIONS, idleTimeout: 0 });
    const handle = await registry.tenant(name!);
    const trx = await handle.knex.transaction();
    await trx('notes').insert({ body: 'committed after detach was asked' });
    let detached = false;
    const detaching = registry.tenants!.detach(name!).then((result) => (detached = result));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(detached).toBe(false);
    expect(registry.hasApp(name!)).toBe(true);
    await trx.commit();
    await detaching;
    expect(detached).toBe(true);
    expect(registry.hasApp(name!)).toBe(false);
    expect(await tablesIn(db, name!)).toEqual(expect.arrayContaining(['notes', 'tags']));
  });

  it('a tenant added to the list after the first read is found once list() is read again', async () => {
    const [first, later] = names(2, 800);
    const listed = [first!];
    const registry = await fleet({ list: () => [...listed] });
    await registry.tenant(first!);
    listed.push(later!);
    await vi.waitFor(async () => expect((await registry.tenant(later!)).name).toBe(later), { timeout: 5000, interval: 100 });
  });

  it("attach 'verify' refuses a tenant that is behind and runs nothing; a migrated one attaches", async () => {
    const [behind, migrated] = names(2, 600);
    const registry = await fleet({ list: () => [behind!, migrated!], migrations: TENANT_MIGRATIONS, attach: 'verify' });
    await registry.tenants!.detach(migrated!); // nothing attached yet: a no-op
    const setup = createRegistry();
    await setup.registerApp('main', { database: db.config(), reusable: true });
    await setup.registerApp(migrated!, { useConnection: 'main', schema: migrated!, migrations: TENANT_MIGRATIONS });
    await setup.shutdown();
    await expect(registry.tenant(behind!)).rejects.toMatchObject({
      code: 'KNEXUS_ERR_TENANT_NOT_MIGRATED',
      appName: behind,
      details: { pending: ['001_notes.mjs', '002_tags.mjs'] },
    });
    expect(await tablesIn(db, behind!)).toEqual([]);
    expect(registry.hasApp(behind!)).toBe(false);
    const handle = await registry.tenant(migrated!);
    expect(await handle.knex('notes').count({ n: '*' })).toHaveLength(1);
  });
});
