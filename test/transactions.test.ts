import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppRegistry } from '../src/index.js';
import { DIALECTS } from './support/databases.js';
import { useDatabase } from './support/use-database.js';

describe.each(DIALECTS)('withTransaction (%s)', (dialect) => {
  const db = useDatabase(dialect);
  let registry: AppRegistry;
  beforeAll(async () => {
    if (!db.available) return;
    registry = new AppRegistry();
    const conn = await registry.registerApp('trx', { database: db.config() });
    await conn.knex.schema.createTable('items', (t) => {
      t.increments('id');
      t.string('name');
    });
  });
  afterAll(async () => {
    await registry?.shutdown();
  });

  it('commits on success and rolls back on error', async () => {
    const conn = registry.getApp('trx');
    await conn.withTransaction((trx) => trx('items').insert({ name: 'kept' }));
    await expect(
      conn.withTransaction(async (trx) => {
        await trx('items').insert({ name: 'dropped' });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect((await conn.knex('items').select('name')).map((r) => r.name)).toEqual(['kept']);
  });

  it('rolls back and rejects with a coded error after its timeout', async () => {
    const conn = registry.getApp('trx');
    await expect(
      conn.withTransaction(
        async (trx) => {
          await trx('items').insert({ name: 'late' });
          await new Promise((r) => setTimeout(r, 200));
        },
        { timeout: 30, ...(dialect === 'sqlite' ? {} : { isolationLevel: 'serializable' as const }) },
      ),
    ).rejects.toMatchObject({ code: 'KNEXUS_ERR_TRANSACTION_TIMEOUT', appName: 'trx', timeoutMs: 30 });
    expect(await conn.knex('items').where({ name: 'late' }).first()).toBeUndefined();
  });
});
