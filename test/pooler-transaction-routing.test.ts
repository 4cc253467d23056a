/**
 * Behind a real PgBouncer in transaction mode (`pool_mode = transaction`): tenants declared with
 * `pooler: 'transaction'` never see each other's rows, whatever server connection each statement
 * lands on; an app that does not declare the pooler is refused at registration; a session pool is not
 * mistaken for one.
 */
import { describe, expect, it } from 'vitest';
import type { AppHandle, DatabaseConfig } from '../src/index.js';
import { PG } from './support/databases.js';
import { usePgBouncer } from './support/pgbouncer.js';
import { TENANT_MIGRATIONS, tablesIn } from './support/tenants.js';
import { useDatabase } from './support/use-database.js';
import { useRegistry } from './support/use-registry.js';

const TENANTS = 20;
const OPERATIONS = 60;

describe('tenants behind a transaction pooler', () => {
  const db = useDatabase('pg');
  const bouncer = usePgBouncer();
  const createRegistry = useRegistry();

  const pooled = (overrides: Partial<DatabaseConfig> = {}): DatabaseConfig => ({
    client: 'pg',
    connection: bouncer.transaction.connection(db.name),
    pooler: 'transaction',
    directConnection: { ...PG, database: db.name },
    pool: { max: 6 },
    ...overrides,
  });

  it(`${TENANTS} tenants × ${OPERATIONS} operations through the pooler: 0 crossings, every write in its own schema`, async () => {
    const registry = createRegistry();
    await registry.registerApp('main', { database: pooled(), reusable: true });
    const tenants: AppHandle[] = [];
    for (let i = 0; i < TENANTS; i++) {
      const app = await registry.registerApp(`tenant${i}`, { useConnection: 'main', schema: `tp${i}`, migrations: TENANT_MIGRATIONS });
      await app.knex('notes').insert({ body: `canary-${i}` });
      tenants.push(app);
    }
    const crossings: string[] = [];
    const check = (i: number, way: string, bodies: readonly string[]) => {
      for (const body of bodies) if (body !== `canary-${i}` && body !== `write-${i}`) crossings.push(`tenant${i} via ${way} saw ${body}`);
    };
    const ways = [
      async (i: number) => check(i, 'plain', await tenants[i]!.knex('notes').pluck('body')),
      async (i: number) => check(i, 'transaction', await tenants[i]!.knex.transaction((trx) => trx('notes').pluck('body'))),
      async (i: number) =>
        check(
          i,
          'raw',
          ((await tenants[i]!.knex.raw('select body from notes')) as { rows: { body: string }[] }).rows.map((r) => r.body),
        ),
      async (i: number) =>
        check(
          i,
          'withTransaction',
          await tenants[i]!.withTransaction((trx) => trx('notes').pluck('body'), { isolationLevel: 'repeatable read' }),
        ),
      async (i: number) => {
        await tenants[i]!.knex('notes').insert({ body: `write-${i}` });
      },
      async (i: number) => {
        await tenants[i]!.knex.transaction(async (trx) => {
          await trx('tags').insert({ label: `tag-${i}` });
          // A savepoint inside keeps the transaction's schema.
          await trx.transaction((inner) => inner('notes').insert({ body: `write-${i}` }));
        });
      },
    ];
    const operations: (() => Promise<void>)[] = [];
    for (let n = 0; n < OPERATIONS; n++) for (let i = 0; i < TENANTS; i++) operations.push(() => ways[(n + i) % ways.length]!(i));
    for (let k = 0; k < operations.length; k += 24) await Promise.all(operations.slice(k, k + 24).map((run) => run()));

    expect(crossings).toEqual([]);
    for (let i = 0; i < TENANTS; i++) {
      const bodies = (await db.knex.withSchema(`tp${i}`).from('notes').pluck('body')) as string[];
      expect(bodies.filter((body) => !body.endsWith(`-${i}`))).toEqual([]);
      const labels = (await db.knex.withSchema(`tp${i}`).from('tags').pluck('label')) as string[];
      expect(labels.filter((label) => label !== `tag-${i}`)).toEqual([]);
    }
    // Nothing set on a session: no server connection is left on a tenant's search_path.
    const paths = (await db.knex.raw("select distinct setting from pg_settings where name = 'search_path'")) as { rows: unknown[] };
    expect(paths.rows.length).toBe(1);
    expect(await tablesIn(db, 'public')).not.toContain('notes');
  });

  it('an app with its own pool and schema: a failing statement rolls its wrapping transaction back, the connection stays usable', async () => {
    const registry = createRegistry();
    const app = await registry.registerApp('solo', {
      database: pooled({ pool: { max: 1 } }),
      schema: 'tp_solo',
      migrations: TENANT_MIGRATIONS,
    });
    await expect(app.knex('no_such_table').select()).rejects.toThrow(/no_such_table/);
    await app.knex('notes').insert({ body: 'solo' });
    expect(await app.knex.transaction((trx) => trx('notes').pluck('body'))).toEqual(['solo']);
    expect(await db.knex.withSchema('tp_solo').from('notes').pluck('body')).toEqual(['solo']);
  });

  it('an app that does not declare the transaction pooler is refused at registration, coded', async () => {
    const registry = createRegistry();
    const database: DatabaseConfig = { client: 'pg', connection: bouncer.transaction.connection(db.name), pool: { max: 4 } };
    await expect(registry.registerApp('undeclared', { database, schema: 'tp_undeclared' })).rejects.toMatchObject({
      code: 'KNEXUS_ERR_TRANSACTION_POOLER',
      appName: 'undeclared',
    });
    await expect(registry.registerApp('owner', { database, reusable: true })).rejects.toMatchObject({
      code: 'KNEXUS_ERR_TRANSACTION_POOLER',
    });
  });

  it('a session pool is not mistaken for a transaction pooler', async () => {
    const registry = createRegistry();
    const database: DatabaseConfig = { client: 'pg', connection: bouncer.session.connection(db.name), pool: { max: 2 } };
    const app = await registry.registerApp('sessioned', { database, schema: 'tp_session', migrations: TENANT_MIGRATIONS });
    expect((await app.migrationStatus()).pending).toEqual([]);
  });

  it('a fleet job migrates tenants that are not attached on the server itself (directConnection), registering none', async () => {
    const names = ['fj0', 'fj1', 'fj2'];
    const registered: string[] = [];
    const registry = createRegistry({ tenants: { owner: 'main', list: () => names, migrations: TENANT_MIGRATIONS } });
    registry.on('app-registered', ({ appName }) => registered.push(appName));
    await registry.registerApp('main', { database: pooled(), reusable: true });
    expect(await registry.tenants!.migrate({ concurrency: 3 })).toMatchObject({ ok: true, done: 3 });
    expect(registered).toEqual(['main']);
    for (const name of names) expect(await tablesIn(db, name)).toEqual(expect.arrayContaining(['notes', 'tags']));
    expect((await registry.tenants!.check()).counts).toMatchObject({ current: 3 });
    // The tenants serve through the pooler afterwards.
    await (await registry.tenant('fj1')).knex('notes').insert({ body: 'served' });
    expect(await db.knex.withSchema('fj1').from('notes').pluck('body')).toEqual(['served']);
  });
});

describe('pooler config', () => {
  const createRegistry = useRegistry();
  const pg = { client: 'pg', connection: { ...PG, database: 'postgres' } } as const;

  it.each([
    ['an unknown mode', { ...pg, pooler: 'statement' }, 'database.pooler'],
    ['a pooler on MySQL', { client: 'mysql2', connection: { host: '127.0.0.1' }, pooler: 'transaction' }, 'database.pooler'],
    ['a pooler on SQLite', { client: 'better-sqlite3', connection: { filename: ':memory:' }, pooler: 'session' }, 'database.pooler'],
    ['directConnection without a pooler', { ...pg, directConnection: 'postgres://x@127.0.0.1/db' }, 'database.directConnection'],
    ['an empty directConnection', { ...pg, pooler: 'transaction', directConnection: '' }, 'database.directConnection'],
    ['a directConnection of the wrong type', { ...pg, pooler: 'transaction', directConnection: 5 }, 'database.directConnection'],
  ])('%s: KNEXUS_ERR_INVALID_CONFIG naming the field', async (_, database, field) => {
    await expect(createRegistry().registerApp('bad', { database: database as DatabaseConfig })).rejects.toMatchObject({
      code: 'KNEXUS_ERR_INVALID_CONFIG',
      field,
    });
  });

  it("pooler: 'transaction' with migrations needs a directConnection", async () => {
    const database = { ...pg, pooler: 'transaction' } as DatabaseConfig;
    await expect(createRegistry().registerApp('nodirect', { database, migrations: TENANT_MIGRATIONS })).rejects.toMatchObject({
      code: 'KNEXUS_ERR_INVALID_CONFIG',
      field: 'database.directConnection',
    });
  });

  it('a tenant with migrations on a transaction-pooled owner without directConnection is refused, coded', async () => {
    const registry = createRegistry();
    await registry.registerApp('plain-owner', { database: { ...pg, pooler: 'transaction' }, reusable: true });
    await expect(
      registry.registerApp('tenant', { useConnection: 'plain-owner', schema: 'tp_x', migrations: TENANT_MIGRATIONS }),
    ).rejects.toMatchObject({
      code: 'KNEXUS_ERR_INVALID_CONFIG',
      field: 'database.directConnection',
    });
  });

  it('the password of directConnection never reaches an error', async () => {
    const secret = 'sekret-direct-pw';
    const database: DatabaseConfig = {
      ...pg,
      pooler: 'transaction',
      directConnection: `postgres://postgres:${secret}@127.0.0.1:1/nowhere`,
    };
    const error = (await createRegistry()
      .registerApp('leaky', { database, migrations: TENANT_MIGRATIONS })
      .catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(`${error.message}\n${error.stack}\n${JSON.stringify(error)}\n${String((error as { cause?: unknown }).cause)}`).not.toContain(
      secret,
    );
  });
});
