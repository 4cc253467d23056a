import { describe, expect, it } from 'vitest';
import type { AppRegistry } from '../src/index.js';
import { MARIADB, createSqliteDatabase } from './support/databases.js';
import { useDatabase } from './support/use-database.js';
import { TENANT_MIGRATIONS, currentSchema, tenantSchema, useTenantDatabase } from './support/tenants.js';
import { useRegistry } from './support/use-registry.js';

describe('bad input for apps with their own schema', () => {
  const pg = useDatabase('pg');
  const maria = useTenantDatabase('mariadb');
  const createRegistry = useRegistry();
  let registry: AppRegistry;

  it('refuses schema on SQLite, on its own pool or through useConnection', async () => {
    const sqlite = await createSqliteDatabase();
    registry = createRegistry();
    try {
      await expect(registry.registerApp('x', { database: sqlite.config(), schema: 's1' })).rejects.toMatchObject({
        code: 'KNEXUS_ERR_INVALID_CONFIG',
        field: 'schema',
      });
      await registry.registerApp('main', { database: sqlite.config(), reusable: true });
      await expect(registry.registerApp('x', { useConnection: 'main', schema: 's1' })).rejects.toMatchObject({
        code: 'KNEXUS_ERR_INVALID_CONFIG',
        field: 'schema',
        appName: 'x',
      });
      expect(registry.hasApp('x')).toBe(false);
    } finally {
      await registry.shutdown();
      await sqlite.drop();
    }
  });

  it('refuses useConnection to a non-reusable app and a schema that is not an identifier, before any SQL', async () => {
    registry = createRegistry();
    await registry.registerApp('private', { database: pg.config() });
    await expect(registry.registerApp('x', { useConnection: 'private', schema: 's1' })).rejects.toMatchObject({
      code: 'KNEXUS_ERR_USE_CONNECTION',
    });
    await registry.registerApp('main', { database: pg.config(), reusable: true });
    for (const bad of ['bad"schema', 'has space', 'a.b', '1abc', 'x'.repeat(64)]) {
      await expect(registry.registerApp('x', { useConnection: 'main', schema: bad })).rejects.toMatchObject({
        code: 'KNEXUS_ERR_INVALID_NAME',
        field: 'schema',
      });
    }
    await expect(registry.registerApp('x', { useConnection: 'main', schema: 's1', searchPath: ['ok', 'not ok'] })).rejects.toMatchObject({
      code: 'KNEXUS_ERR_INVALID_NAME',
      field: 'searchPath.1',
    });
    const schemas = await pg.knex('information_schema.schemata').where('schema_name', 's1').pluck('schema_name');
    expect(schemas).toEqual([]);
  });

  it('refuses to unregister a pool owner while apps with their own schema still use its pool', async () => {
    registry = createRegistry();
    await registry.registerApp('main', { database: pg.config(), reusable: true });
    await registry.registerApp('t1', { useConnection: 'main', schema: 'owner_t1', migrations: TENANT_MIGRATIONS });
    await registry.registerApp('t2', { useConnection: 'main', schema: 'owner_t2' });
    await expect(registry.unregisterApp('main')).rejects.toMatchObject({
      code: 'KNEXUS_ERR_POOL_IN_USE',
      appName: 'main',
      details: { tenants: 2, first: ['t1', 't2'] },
    });
    expect(registry.hasApp('main')).toBe(true);
    expect(await currentSchema(registry.getApp('t1').knex, 'pg')).toBe('owner_t1');
    await registry.unregisterApp('t1');
    await registry.unregisterApp('t2');
    await expect(registry.unregisterApp('main')).resolves.toBe(true);
  });

  it('adds searchPath after the app’s schema on PostgreSQL only', async () => {
    registry = createRegistry();
    await pg.knex.schema.createTable('public_thing', (table) => table.increments('id'));
    await registry.registerApp('main', { database: pg.config(), reusable: true });
    const plain = await registry.registerApp('plain', { useConnection: 'main', schema: 'sp_plain' });
    const withPublic = await registry.registerApp('with_public', { useConnection: 'main', schema: 'sp_public', searchPath: ['public'] });
    await expect(plain.knex('public_thing').count()).rejects.toMatchObject({ code: '42P01' });
    await expect(withPublic.knex('public_thing').count()).resolves.toBeDefined();
    expect(await currentSchema(withPublic.knex, 'pg')).toBe('sp_public');
  });

  it('on MariaDB refuses searchPath, and an owner whose connection names no database', async () => {
    registry = createRegistry();
    await registry.registerApp('main', { database: maria.config(), reusable: true });
    await expect(
      registry.registerApp('x', { useConnection: 'main', schema: tenantSchema(maria, 'x'), searchPath: ['other'] }),
    ).rejects.toMatchObject({
      code: 'KNEXUS_ERR_INVALID_CONFIG',
      field: 'searchPath',
    });
    await registry.registerApp('nodb', { database: { client: 'mysql2', connection: { ...MARIADB } }, reusable: true });
    await expect(registry.registerApp('y', { useConnection: 'nodb', schema: tenantSchema(maria, 'y') })).rejects.toMatchObject({
      code: 'KNEXUS_ERR_USE_CONNECTION',
    });
  });
});
