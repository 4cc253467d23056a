/**
 * Tenant isolation at the edges: every knex derived from a tenant's knex stays on the tenant's schema,
 * session state one tenant leaves on a pooled connection never reaches another, a migration that moves
 * its session is put back, system schemas are refused, and a kept handle of an unregistered app runs nothing.
 */
import { fileURLToPath } from 'node:url';
import { Model } from 'objection';
import { describe, expect, it } from 'vitest';
import { AppRegistry, type AppHandle } from '../src/index.js';
import { TENANT_MIGRATIONS, currentSchema, tablesIn, tenantSchema, useTenantDatabase } from './support/tenants.js';
import { useRegistry } from './support/use-registry.js';

const SESSION_CHANGING = { directory: fileURLToPath(new URL('./fixtures/session-changing/migrations', import.meta.url)) };

const rowsOf = (result: unknown): Record<string, unknown>[] =>
  Array.isArray(result) ? (result[0] as Record<string, unknown>[]) : (result as { rows: Record<string, unknown>[] }).rows;

describe.each(['pg', 'mariadb'] as const)('tenant isolation at the edges (%s)', (dialect) => {
  const db = useTenantDatabase(dialect);
  const createRegistry = useRegistry();
  let round = 0;

  /** `main` owns a pool of one connection; tenants `a` and `b` share it, each with a canary row. */
  async function twoTenants(options: { lockTimeout?: number } = {}) {
    const registry = createRegistry();
    round += 1;
    const [sa, sb] = [tenantSchema(db, `ea${round}`), tenantSchema(db, `eb${round}`)];
    await registry.registerApp('main', { database: db.config({ pool: { max: 1 } }), reusable: true });
    const migrations = { ...TENANT_MIGRATIONS, ...(options.lockTimeout === undefined ? {} : { lockTimeout: options.lockTimeout }) };
    const models = { definitions: { Note: { tableName: 'notes' } } };
    const a = await registry.registerApp('a', { useConnection: 'main', schema: sa, migrations, models });
    const b = await registry.registerApp('b', { useConnection: 'main', schema: sb, migrations, models });
    await a.knex('notes').insert({ body: 'a-canary' });
    await b.knex('notes').insert({ body: 'b-canary' });
    return { registry, a, b, sa, sb };
  }

  /** Puts the pool's only connection on `a`'s schema, then reads through `read`: only b's canary may come back. */
  async function readAfterA(a: AppHandle, read: () => Promise<unknown[]>): Promise<unknown[]> {
    await a.knex('notes').select('body');
    return read();
  }

  it('keeps every knex derived from a tenant’s knex on its schema', async () => {
    const { a, b } = await twoTenants();
    const only = ['b-canary'];
    const bodies = (rows: unknown[]) => rows.map((row) => (row as { body: string }).body);

    expect(bodies(await readAfterA(a, () => b.knex.withUserParams({ requestId: 1 })('notes').select('body')))).toEqual(only);
    expect(bodies(await readAfterA(a, () => b.knex.withUserParams({ x: 1 }).withUserParams({ y: 2 })('notes').select('body')))).toEqual(
      only,
    );
    expect(bodies(await readAfterA(a, () => b.knex.transaction((trx) => trx('notes').select('body'))))).toEqual(only);
    expect(bodies(await readAfterA(a, () => b.knex.withUserParams({}).transaction((trx) => trx('notes').select('body'))))).toEqual(only);
    const provider = b.knex.transactionProvider();
    expect(
      bodies(
        await readAfterA(a, async () => {
          const trx = await provider();
          const rows = await trx('notes').select('body');
          await trx.commit();
          return rows;
        }),
      ),
    ).toEqual(only);
    expect(bodies(await readAfterA(a, () => b.knex.queryBuilder().from('notes').select('body')))).toEqual(only);
    expect(bodies(await readAfterA(a, async () => rowsOf(await b.knex.raw('select body from notes'))))).toEqual(only);
    expect(bodies(await readAfterA(a, async () => rowsOf(await b.knex.withUserParams({}).raw('select body from notes'))))).toEqual(only);

    class Note extends Model {
      static override tableName = 'notes';
    }
    expect(bodies(await readAfterA(a, async () => Note.bindKnex(b.knex.withUserParams({})).query().select('body')))).toEqual(only);
    expect(bodies(await readAfterA(a, async () => Note.query(b.knex.withUserParams({})).select('body')))).toEqual(only);

    // A connection acquired from the client directly is on the tenant's schema too.
    await a.knex('notes').select('body');
    const client = b.knex.withUserParams({}).client as {
      acquireConnection(): Promise<object>;
      releaseConnection(c: object): Promise<void>;
    };
    const connection = await client.acquireConnection();
    try {
      const rows = await b.knex.raw('select body from notes').connection(connection);
      expect(bodies(rowsOf(rows))).toEqual(only);
    } finally {
      await client.releaseConnection(connection);
    }
    expect(await currentSchema(b.knex.withUserParams({}), dialect)).toBe(tenantSchema(db, `eb${round}`));
  });

  it('gives a tenant a clean session when the connection comes from another tenant', async () => {
    const { a, b } = await twoTenants();
    if (dialect === 'pg') {
      // A's temp table would shadow b's notes (pg_temp is searched first).
      await a.knex.raw('create temp table notes (body text)');
      await a.knex.raw("insert into notes values ('a-temp')");
      await a.knex.raw("set statement_timeout = '1ms'");
      await a.knex.raw('set default_transaction_read_only = on');
      await a.knex.raw("select set_config('knexus.secret', 'a-secret', false)");
      expect(rowsOf(await b.knex.raw('select body from notes')).map((r) => r['body'])).toEqual(['b-canary']);
      await b.knex.raw('select pg_sleep(0.02)');
      await b.knex('notes').insert({ body: 'b-write' });
      expect(rowsOf(await b.knex.raw("select current_setting('knexus.secret', true) as s"))[0]!['s'] ?? '').toBe('');
    } else {
      await a.knex.raw('prepare knexus_stmt from ?', ['select body from notes']);
      await a.knex.raw("set @knexus_secret = 'a-secret'");
      await a.knex.raw('set session transaction read only');
      await expect(b.knex.raw('execute knexus_stmt')).rejects.toThrow(/unknown prepared statement/i);
      expect(rowsOf(await b.knex.raw('select @knexus_secret as s'))[0]!['s']).toBeNull();
      await b.knex('notes').insert({ body: 'b-write' });
    }
    expect(await b.knex('notes').orderBy('id').pluck('body')).toEqual(['b-canary', 'b-write']);
    // The tenant keeps its own session state between its own queries (no reset on the hot path).
    if (dialect === 'pg') {
      await b.knex.raw("select set_config('knexus.mine', 'b', false)");
      expect(rowsOf(await b.knex.raw("select current_setting('knexus.mine', true) as s"))[0]!['s']).toBe('b');
    }
  });

  // SET ROLE is PostgreSQL's; MariaDB's session settings are covered above.
  if (dialect === 'pg')
    it('resets role changes between tenants (PostgreSQL)', async () => {
      const { a, b } = await twoTenants();
      const role = `knexus_iso_${db.name}`.slice(0, 60);
      await db.knex.raw('create role ?? nologin', [role]);
      try {
        await a.knex.raw('set role ??', [role]);
        expect(rowsOf(await b.knex.raw('select current_user as u'))[0]!['u']).toBe('postgres');
      } finally {
        await a.knex.raw('select 1');
        await a.knex.raw('reset role');
        await db.knex.raw('drop role ??', [role]);
      }
    });

  it('puts the session back after a migration that moved it', async () => {
    const registry = createRegistry();
    round += 1;
    const schema = tenantSchema(db, `em${round}`);
    await registry.registerApp('main', { database: db.config({ pool: { max: 1 } }), reusable: true });
    const app = await registry.registerApp('moved', { useConnection: 'main', schema, migrations: SESSION_CHANGING });
    expect(await currentSchema(app.knex, dialect)).toBe(schema);
    await app.knex('notes').insert({ body: 'mine' });
    expect(await db.knex.withSchema(schema).from('notes').pluck('body')).toEqual(['mine']);
  });

  it('refuses system schemas before anything runs', async () => {
    const registry = createRegistry();
    await registry.registerApp('main', { database: db.config({ pool: { max: 1 } }), reusable: true });
    const system =
      dialect === 'pg'
        ? ['information_schema', 'pg_catalog', 'pg_toast', 'pg_anything']
        : ['mysql', 'sys', 'performance_schema', 'information_schema', 'MySQL'];
    for (const schema of system) {
      // pg_ names are refused as names already (INVALID_NAME), the others as this server's catalog.
      const refused = { code: expect.stringMatching(/^KNEXUS_ERR_INVALID_(CONFIG|NAME)$/), field: 'schema' };
      await expect(
        registry.registerApp('sys_tenant', { useConnection: 'main', schema, migrations: TENANT_MIGRATIONS }),
      ).rejects.toMatchObject(refused);
      await expect(registry.registerApp('sys_own', { database: db.config(), schema, migrations: TENANT_MIGRATIONS })).rejects.toMatchObject(
        refused,
      );
    }
    expect(registry.hasApp('sys_tenant')).toBe(false);
    if (dialect === 'mariadb') expect((await tablesIn(db, 'mysql')).filter((t) => t.startsWith('knexus'))).toEqual([]);
  });

  it('rejects a kept tenant knex or model after unregisterApp and runs nothing', async () => {
    const { registry, b, sb } = await twoTenants();
    const kept = b.knex;
    const derived = b.knex.withUserParams({});
    const Note = b.getModel('Note');
    await registry.unregisterApp('b', { skipRollback: true });
    await expect(kept('notes').insert({ body: 'late' })).rejects.toMatchObject({ code: 'KNEXUS_ERR_APP_NOT_FOUND', appName: 'b' });
    await expect(derived('notes').insert({ body: 'late' })).rejects.toMatchObject({ code: 'KNEXUS_ERR_APP_NOT_FOUND' });
    await expect(Note.query().insert({ body: 'late' } as never)).rejects.toMatchObject({ code: 'KNEXUS_ERR_APP_NOT_FOUND' });
    await expect(kept.transaction(async () => undefined)).rejects.toMatchObject({ code: 'KNEXUS_ERR_APP_NOT_FOUND' });
    expect(await db.knex.withSchema(sb).from('notes').pluck('body')).toEqual(['b-canary']);
  });

  it('rejects a kept own-pool knex after unregisterApp with APP_NOT_FOUND', async () => {
    const registry = createRegistry();
    const solo = await registry.registerApp('solo', { database: db.config({ pool: { max: 1 } }) });
    const kept = solo.knex;
    const derived = solo.knex.withUserParams({});
    await registry.unregisterApp('solo');
    await expect(kept.raw('select 1')).rejects.toMatchObject({ code: 'KNEXUS_ERR_APP_NOT_FOUND', appName: 'solo' });
    await expect(derived.raw('select 1')).rejects.toMatchObject({ code: 'KNEXUS_ERR_APP_NOT_FOUND', appName: 'solo' });
  });

  it('refuses dropSchema while the app’s own transaction is open, with a code, and keeps the app', async () => {
    const { registry, b, sb } = await twoTenants({ lockTimeout: 200 });
    const trx = await b.knex.transaction();
    try {
      await trx('notes').insert({ body: 'in-trx' });
      await expect(registry.unregisterApp('b', { dropSchema: true, force: true })).rejects.toMatchObject({
        code: 'KNEXUS_ERR_APP_BUSY',
        appName: 'b',
      });
      expect(registry.hasApp('b')).toBe(true);
    } finally {
      await trx.rollback();
    }
    expect(registry.hasApp('b')).toBe(true);
    expect(await b.knex('notes').pluck('body')).toEqual(['b-canary']);
    await registry.unregisterApp('b', { dropSchema: true, force: true });
    expect((await tablesIn(db, sb)).length).toBe(0);
  });
});

describe('system schemas on an app of its own', () => {
  it('are checked without a server (no connection is opened)', async () => {
    const registry = new AppRegistry();
    try {
      await expect(
        registry.registerApp('x', {
          database: { client: 'pg', connection: 'postgres://nobody@127.0.0.1:1/none' },
          schema: 'information_schema',
        }),
      ).rejects.toMatchObject({ code: 'KNEXUS_ERR_INVALID_CONFIG', field: 'schema' });
    } finally {
      await registry.shutdown();
    }
  });
});
