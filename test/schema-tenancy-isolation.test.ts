import { describe, expect, it } from 'vitest';
import type { AppRegistry, AppHandle } from '../src/index.js';
import { TENANT_MIGRATIONS, currentSchema, tenantSchema, useTenantDatabase } from './support/tenants.js';
import { useRegistry } from './support/use-registry.js';

const bodies = async (app: AppHandle) => (await app.knex('notes').orderBy('id').pluck('body')) as string[];

describe.each(['pg', 'mariadb'] as const)('apps with their own schema on one shared pool (%s)', (dialect) => {
  const db = useTenantDatabase(dialect);
  const createRegistry = useRegistry();
  let registry: AppRegistry;

  let round = 0;
  /** `main` owns a pool of `max` connections; `a` and `b` share it, each on its own schema with the tenancy migrations. */
  async function twoTenants(max: number) {
    registry = createRegistry();
    round += 1;
    const [sa, sb] = [tenantSchema(db!, `a${round}`), tenantSchema(db!, `b${round}`)];
    const main = await registry.registerApp('main', { database: db!.config({ pool: { max } }), reusable: true });
    const models = { definitions: { Note: { tableName: 'notes' } } };
    const a = await registry.registerApp('a', { useConnection: 'main', schema: sa, migrations: TENANT_MIGRATIONS, models });
    const b = await registry.registerApp('b', { useConnection: 'main', schema: sb, migrations: TENANT_MIGRATIONS, models });
    return { main, a, b, sa, sb };
  }

  it('runs every query of an app on its schema, whichever pooled connection it gets', async () => {
    const { main, a, b, sa, sb } = await twoTenants(2);
    const ownerSchema = dialect === 'pg' ? 'public' : db.name;
    expect(await currentSchema(a.knex, dialect)).toBe(sa);
    expect(await currentSchema(b.knex, dialect)).toBe(sb);
    expect(await currentSchema(main.knex, dialect)).toBe(ownerSchema);
    expect(a.knex).not.toBe(main.knex);
    expect(a.target).toMatchObject({ client: db.dialect === 'pg' ? 'pg' : 'mysql2', schema: sa });

    // Interleaved: 40 inserts alternating between the apps, all in flight at once on 2 connections.
    await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? a : b).knex('notes').insert({ body: `${i % 2 === 0 ? 'a' : 'b'}${i}` })),
    );
    expect((await bodies(a)).every((body) => body.startsWith('a'))).toBe(true);
    expect((await bodies(b)).every((body) => body.startsWith('b'))).toBe(true);
    expect(await bodies(a)).toHaveLength(20);
    // The raw database agrees: each schema holds only its own rows.
    expect(await db.knex.withSchema(sa).from('notes').pluck('body')).toHaveLength(20);
    expect(await currentSchema(main.knex, dialect)).toBe(ownerSchema);
  });

  it('binds Objection models to the app’s schema', async () => {
    const { a, b } = await twoTenants(1);
    const NoteA = a.getModel('Note');
    const NoteB = b.getModel('Note');
    await NoteA.query().insert({ body: 'from a' } as never);
    await NoteB.query().insert({ body: 'from b' } as never);
    expect((await NoteA.query()).map((n) => (n as unknown as { body: string }).body)).toEqual(['from a']);
    expect((await NoteB.query()).map((n) => (n as unknown as { body: string }).body)).toEqual(['from b']);
    await a.withTransaction(async (trx) => {
      await NoteA.query(trx).insert({ body: 'a in trx' } as never);
    });
    expect(await NoteB.query().resultSize()).toBe(1);
    expect(await NoteA.query().resultSize()).toBe(2);
  });

  it('keeps schemas apart across interleaved transactions, a failing query and a rolled-back transaction', async () => {
    const { main, a, b, sa, sb } = await twoTenants(2);
    await Promise.all([
      a.withTransaction(async (trx) => {
        expect(await currentSchema(trx, dialect)).toBe(sa);
        await trx('notes').insert({ body: 'a1' });
        await b.knex('notes').insert({ body: 'b-during-a' });
        await trx('notes').insert({ body: 'a2' });
      }),
      b.withTransaction(async (trx) => {
        await trx('notes').insert({ body: 'b1' });
        expect(await currentSchema(trx, dialect)).toBe(sb);
      }),
    ]);
    // A failing statement and a failing transaction on a: the connections they used go on serving b correctly.
    await expect(a.knex('no_such_table').select()).rejects.toThrow();
    await expect(
      a.withTransaction(async (trx) => {
        await trx('notes').insert({ body: 'a-rolled-back' });
        await trx.raw('select * from no_such_table');
      }),
    ).rejects.toThrow();
    for (let i = 0; i < 4; i++) {
      expect(await currentSchema(b.knex, dialect)).toBe(sb);
      expect(await currentSchema(a.knex, dialect)).toBe(sa);
    }
    expect(await bodies(a)).toEqual(['a1', 'a2']);
    expect((await bodies(b)).sort()).toEqual(['b-during-a', 'b1']);
    expect(await currentSchema(main.knex, dialect)).toBe(dialect === 'pg' ? 'public' : db.name);
  });

  it('a query cancelled by its timeout leaves no app on another app’s schema', async () => {
    const { main, a, b, sa, sb } = await twoTenants(1);
    const sleep = dialect === 'pg' ? 'select pg_sleep(0.5)' : 'select sleep(0.5)';
    await expect(a.knex.raw(sleep).timeout(20, { cancel: true })).rejects.toMatchObject({ name: 'KnexTimeoutError' });
    // Not cancelled: knex discards the connection instead.
    await expect(b.knex.raw(sleep).timeout(20)).rejects.toMatchObject({ name: 'KnexTimeoutError' });
    expect(await currentSchema(b.knex, dialect)).toBe(sb);
    expect(await currentSchema(a.knex, dialect)).toBe(sa);
    expect(await currentSchema(main.knex, dialect)).toBe(dialect === 'pg' ? 'public' : db.name);
    await a.knex('notes').insert({ body: 'after the timeout' });
    expect(await bodies(b)).toEqual([]);
  });

  it('applies each app’s migrations and ledger in its own schema', async () => {
    const { a, sa } = await twoTenants(2);
    const ledger = await db.knex.withSchema(sa).from('knexus_migrations').orderBy('id').select('app', 'name');
    expect(ledger).toEqual([
      { app: 'a', name: '001_notes.mjs' },
      { app: 'a', name: '002_tags.mjs' },
    ]);
    expect((await a.migrationStatus()).applied.map((m) => m.name)).toEqual(['001_notes.mjs', '002_tags.mjs']);
  });

  // PostgreSQL only: a per-role connection limit is PostgreSQL's.
  if (dialect === 'pg')
    it('when the server refuses another connection, an app switches a free one instead of failing', async () => {
      const role = `knexus_lim_${db.name.slice(-8)}`;
      await db.knex.raw(`create role ${role} login connection limit 1`);
      await db.knex.raw(`grant all on database ${db.name} to ${role}`);
      try {
        registry = createRegistry();
        const config = db.config({ pool: { max: 3 } });
        const main = await registry.registerApp('main', {
          database: { ...config, connection: { ...(config.connection as object), user: role } },
          reusable: true,
        });
        await main.knex.raw(`create schema lim_a authorization ${role}`);
        await main.knex.raw(`create schema lim_b authorization ${role}`);
        const a = await registry.registerApp('a', { useConnection: 'main', schema: 'lim_a' });
        const b = await registry.registerApp('b', { useConnection: 'main', schema: 'lim_b' });
        for (let i = 0; i < 3; i++) {
          expect(await currentSchema(a.knex, dialect)).toBe('lim_a');
          expect(await currentSchema(b.knex, dialect)).toBe('lim_b');
        }
        await registry.shutdown();
      } finally {
        await db.knex.raw(`drop owned by ${role}`);
        await db.knex.raw(`drop role ${role}`);
      }
    });

  // MariaDB only: PostgreSQL keeps no per-session count of SET statements.
  if (dialect === 'mariadb')
    it('switches a connection only when it is on another schema (MariaDB counts USE per session)', async () => {
      const { a, b } = await twoTenants(1);
      const changes = async (app: AppHandle) => {
        const [rows] = (await app.knex.raw("show session status like 'Com_change_db'")) as [{ Value: string }[]];
        return Number(rows[0]!.Value);
      };
      const first = await changes(a);
      expect(await changes(a)).toBe(first);
      expect(await changes(a)).toBe(first);
      await b.knex.raw('select 1');
      // Back on a: the switch reset the session (status counters too) and ran one USE, and nothing more after.
      expect(await changes(a)).toBe(1);
      expect(await changes(a)).toBe(1);
    });
});
