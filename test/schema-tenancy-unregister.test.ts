import { describe, expect, it } from 'vitest';
import type { AppRegistry } from '../src/index.js';
import {
  TENANT_MIGRATIONS,
  TENANT_SEEDS,
  currentSchema,
  schemaExists,
  tablesIn,
  tenantSchema,
  useTenantDatabase,
} from './support/tenants.js';
import { useRegistry } from './support/use-registry.js';

describe.each(['pg', 'mariadb'] as const)('unregistering an app with its own schema on a shared pool (%s)', (dialect) => {
  const db = useTenantDatabase(dialect);
  const createRegistry = useRegistry();
  let registry: AppRegistry;

  async function withMain() {
    registry = createRegistry();
    await registry.registerApp('main', { database: db!.config({ pool: { max: 1 } }), reusable: true });
  }
  const tenant = (schema: string) => ({ useConnection: 'main', schema, migrations: TENANT_MIGRATIONS, seeds: TENANT_SEEDS });

  it('rolls back its batch and keeps the schema by default', async () => {
    await withMain();
    const schema = tenantSchema(db, 'keep');
    const app = await registry.registerApp('keep', tenant(schema));
    expect(await app.knex('notes').pluck('body')).toEqual(['seeded']);
    await registry.unregisterApp('keep');
    expect(await tablesIn(db, schema)).toEqual(['knexus_migrations', 'knexus_seeds']);
    expect(await schemaExists(db, schema)).toBe(true);
  });

  it('dropSchema removes the schema after rolling back everything, and the schema can be used again', async () => {
    await withMain();
    const schema = tenantSchema(db, 'drop');
    await registry.registerApp('drop', tenant(schema));
    await registry.unregisterApp('drop', { dropSchema: true });
    expect(await schemaExists(db, schema)).toBe(false);
    expect(registry.hasApp('drop')).toBe(false);
    // The pool's only connection was on the dropped schema; registering it again switches it afresh.
    const again = await registry.registerApp('drop', tenant(schema));
    expect(await currentSchema(again.knex, dialect)).toBe(schema);
    expect(await again.knex('notes').pluck('body')).toEqual(['seeded']);
  });

  it('after dropSchema, no pooled connection stays on the dropped schema when it is created again', async () => {
    registry = createRegistry();
    await registry.registerApp('main', { database: db.config({ pool: { max: 2 } }), reusable: true });
    const schema = tenantSchema(db, 'both');
    const sql = dialect === 'pg' ? 'select current_schema() as s, pg_sleep(0.05)' : 'select database() as s, sleep(0.05)';
    const onBoth = async () => {
      const app = registry.getApp('both');
      const results = await Promise.all([app.knex.raw(sql), app.knex.raw(sql)]);
      return results.map((r) => (dialect === 'pg' ? (r as { rows: { s: string }[] }).rows[0]!.s : (r as [{ s: string }[]])[0][0]!.s));
    };
    await registry.registerApp('both', tenant(schema));
    expect(await onBoth()).toEqual([schema, schema]);
    await registry.unregisterApp('both', { dropSchema: true });
    await registry.registerApp('both', tenant(schema));
    expect(await onBoth()).toEqual([schema, schema]);
  });

  it('refuses dropSchema while the schema holds tables its ledger does not own, until force', async () => {
    await withMain();
    const schema = tenantSchema(db, 'stray');
    const app = await registry.registerApp('stray', tenant(schema));
    await app.knex.schema.createTable('stray_table', (table) => table.increments('id'));
    await expect(registry.unregisterApp('stray', { dropSchema: true })).rejects.toMatchObject({
      code: 'KNEXUS_ERR_SCHEMA_NOT_EMPTY',
      appName: 'stray',
      details: { schema, tables: ['stray_table'], apps: [] },
    });
    // Refused: the app stays registered (its history rolled back), and the schema with the stray table stays.
    expect(registry.hasApp('stray')).toBe(true);
    expect(await tablesIn(db, schema)).toEqual(['knexus_migrations', 'knexus_seeds', 'stray_table']);
    await registry.unregisterApp('stray', { dropSchema: true, force: true });
    expect(await schemaExists(db, schema)).toBe(false);
  });

  it('refuses dropSchema while another app keeps its ledger in the same schema', async () => {
    await withMain();
    const schema = tenantSchema(db, 'pair');
    await registry.registerApp('left', tenant(schema));
    await registry.registerApp('right', { useConnection: 'main', schema });
    await db.knex
      .withSchema(schema)
      .table('knexus_migrations')
      .insert({ app: 'other', name: 'x.mjs', batch: 1, checksum: 'c'.repeat(64), applied_at: new Date() });
    await expect(registry.unregisterApp('left', { dropSchema: true })).rejects.toMatchObject({
      code: 'KNEXUS_ERR_SCHEMA_NOT_EMPTY',
      details: { apps: ['other'] },
    });
  });

  it('rejects dropSchema without a schema or with skipRollback before changing anything', async () => {
    await withMain();
    await registry.registerApp('plain', { useConnection: 'main' });
    await expect(registry.unregisterApp('plain', { dropSchema: true })).rejects.toMatchObject({
      code: 'KNEXUS_ERR_INVALID_CONFIG',
      field: 'dropSchema',
    });
    const schema = tenantSchema(db, 'bad');
    await registry.registerApp('bad', tenant(schema));
    await expect(registry.unregisterApp('bad', { dropSchema: true, skipRollback: true })).rejects.toMatchObject({
      code: 'KNEXUS_ERR_INVALID_CONFIG',
      field: 'dropSchema',
    });
    await expect(registry.unregisterApp('bad', { force: true })).rejects.toMatchObject({
      code: 'KNEXUS_ERR_INVALID_CONFIG',
      field: 'force',
    });
    expect(registry.hasApp('bad')).toBe(true);
    expect(await tablesIn(db, schema)).toEqual(['knexus_migrations', 'knexus_seeds', 'notes', 'tags']);
  });
});
