import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TENANT_MIGRATIONS, tablesIn, tenantSchema, useTenantDatabase } from './support/tenants.js';
import { useRegistry } from './support/use-registry.js';

const NEXT = fileURLToPath(new URL('./fixtures/tenancy/migrations-next', import.meta.url));
const NEWER_CODE = { directory: [TENANT_MIGRATIONS.directory, NEXT] };

describe.each(['pg', 'mariadb'] as const)('replicas that keep serving (%s)', (dialect) => {
  const db = useTenantDatabase(dialect);
  const createRegistry = useRegistry();

  async function migrateWithNewerCode(schema: string): Promise<void> {
    const newer = createRegistry();
    await newer.registerApp('main', { database: db.config(), reusable: true });
    await newer.registerApp(schema, { useConnection: 'main', schema, migrations: NEWER_CODE });
    await newer.shutdown();
  }

  it('an old replica serves a tenant whose ledger holds migrations newer than its files: ahead is not drift', async () => {
    const schema = tenantSchema(db, 'ahead');
    await migrateWithNewerCode(schema);
    const old = createRegistry({ tenants: { owner: 'main', list: () => [schema], migrations: TENANT_MIGRATIONS } });
    await old.registerApp('main', { database: db.config(), reusable: true });
    const handle = await old.tenant(schema);
    const status = await handle.migrationStatus();
    expect(status).toMatchObject({ pending: [], drifted: [] });
    expect(status.applied.map((row) => row.name)).toEqual(['001_notes.mjs', '002_tags.mjs', '003_labels.mjs']);
  });

  it('a missing older file is still drift', async () => {
    const schema = tenantSchema(db, 'gap');
    await migrateWithNewerCode(schema);
    const registry = createRegistry();
    await registry.registerApp('main', { database: db.config(), reusable: true });
    await expect(registry.registerApp(schema, { useConnection: 'main', schema, migrations: { directory: NEXT } })).rejects.toMatchObject({
      code: 'KNEXUS_ERR_CHECKSUM_DRIFT',
    });
  });

  it('one tenant that cannot attach is reported; the others are served', async () => {
    const good = tenantSchema(db, 'good');
    const registry = createRegistry({ tenants: { owner: 'main', list: () => ['acme-corp', good], migrations: TENANT_MIGRATIONS } });
    await registry.registerApp('main', { database: db.config(), reusable: true });
    await expect(registry.tenant('acme-corp')).rejects.toMatchObject({ code: 'KNEXUS_ERR_INVALID_NAME', field: 'schema' });
    const handle = await registry.tenant(good);
    expect(await tablesIn(db, good)).toEqual(expect.arrayContaining(['notes']));
    expect(handle.name).toBe(good);
    expect(registry.tenants!.status().failed).toMatchObject([{ name: 'acme-corp', during: 'attach', code: 'KNEXUS_ERR_INVALID_NAME' }]);
    expect(registry.getStatus().tenants).toMatchObject({ owner: 'main', resident: 1, failed: [{ name: 'acme-corp', attempts: 1 }] });
  });
});

describe('least privilege (pg)', () => {
  const db = useTenantDatabase('pg');
  const createRegistry = useRegistry();

  it('a runtime role without CREATE attaches an existing tenant schema with migrations off', async () => {
    const role = `${db.name}_rt`;
    await db.knex.raw('create role ?? login', [role]);
    try {
      await db.knex.raw('create schema t_priv');
      await db.knex.raw('create table t_priv.notes (id serial primary key, body text)');
      await db.knex.raw('grant usage on schema t_priv to ??', [role]);
      await db.knex.raw('grant select, insert on all tables in schema t_priv to ??', [role]);
      await db.knex.raw('grant usage on all sequences in schema t_priv to ??', [role]);
      const base = db.config();
      const registry = createRegistry({ tenants: { owner: 'main', list: () => ['t_priv'], attach: 'off' } });
      await registry.registerApp('main', {
        database: { ...base, connection: { ...(base.connection as object), user: role } },
        reusable: true,
      });
      const tenant = await registry.tenant('t_priv');
      await tenant.knex('notes').insert({ body: 'as the runtime role' });
      expect(await tenant.knex('notes').pluck('body')).toEqual(['as the runtime role']);
      await registry.shutdown();
    } finally {
      await db.knex.raw('drop owned by ??', [role]);
      await db.knex.raw('drop role ??', [role]);
    }
  });
});
