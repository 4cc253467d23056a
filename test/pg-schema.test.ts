import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { useDatabase } from './support/use-database.js';
import { useRegistry } from './support/use-registry.js';

const migrations = { directory: fileURLToPath(new URL('./fixtures/unregister/migrations', import.meta.url)) };

describe('PostgreSQL schema per app', () => {
  const db = useDatabase('pg');
  const createRegistry = useRegistry();

  it('creates the schema if missing; the app’s tables and ledgers live there', async () => {
    const registry = createRegistry();
    const a = await registry.registerApp('tenant_a', { database: db.config(), schema: 'tenant_a', migrations });
    await registry.registerApp('tenant_b', { database: db.config(), schema: 'tenant_b', migrations });
    const tablesIn = async (schema: string) =>
      (await db!.knex('information_schema.tables').where({ table_schema: schema }).orderBy('table_name').pluck('table_name')) as string[];
    expect(await tablesIn('tenant_a')).toEqual(['authors', 'knexus_migrations', 'posts']);
    expect(await tablesIn('tenant_b')).toEqual(['authors', 'knexus_migrations', 'posts']);
    expect(await tablesIn('public')).toEqual([]);
    await a.knex('authors').insert({ name: 'only in a' });
    expect(await db.knex.withSchema('tenant_b').from('authors').count({ n: '*' })).toEqual([{ n: '0' }]);
    expect(registry.getStatus().apps['tenant_a']!.target).toMatchObject({ client: 'pg', schema: 'tenant_a' });

    await registry.unregisterApp('tenant_a');
    expect(await tablesIn('tenant_a')).toEqual(['knexus_migrations']);
    await registry.shutdown();
  });

  it('registering the same schema concurrently from many registries succeeds', async () => {
    const registries = Array.from({ length: 4 }, () => createRegistry());
    await Promise.all(registries.map((r) => r.registerApp('shared_tenant', { database: db!.config(), schema: 'race_schema', migrations })));
    const applied = await db.knex.withSchema('race_schema').from('knexus_migrations').where({ app: 'shared_tenant' }).count({ n: '*' });
    expect(applied).toEqual([{ n: '2' }]);
    await Promise.all(registries.map((r) => r.shutdown()));
  });

  it('rejects an invalid schema name before any SQL', async () => {
    const registry = createRegistry();
    await expect(registry.registerApp('x', { database: db.config(), schema: 'bad"schema' })).rejects.toMatchObject({
      code: 'KNEXUS_ERR_INVALID_NAME',
      field: 'schema',
    });
    await registry.shutdown();
  });
});
