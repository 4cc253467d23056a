/**
 * Moving a tenant between two PostgreSQL servers (the shared one and a second cluster started for this
 * file): copied with pg_dump/pg_restore, verified, switched, the old copy dropped; a verify mismatch
 * injected on the target leaves the tenant served from the old server with nothing lost.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knexFactory, { type Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryPlacement, isKnexusError, type AppRegistry } from '../src/index.js';
import { PG_BIN, createSecondPostgres, type SecondPostgres, NO_SECOND_POSTGRES } from './support/second-postgres.js';
import { TENANT_MIGRATIONS, schemaExists } from './support/tenants.js';
import { useDatabase } from './support/use-database.js';
import { useRegistry } from './support/use-registry.js';
import { runMainJson } from './support/run-main.js';

const db = useDatabase('pg');
const createRegistry = useRegistry();

describe('moving a tenant between servers', () => {
  let pg2: SecondPostgres | undefined;
  let remote: Knex | undefined;
  beforeAll(async () => {
    pg2 = await createSecondPostgres();
    if (pg2 !== undefined) remote = knexFactory(secondServer());
  }, 60_000);
  afterAll(async () => {
    await remote?.destroy();
    await pg2?.remove();
  });
  const secondServer = () => ({
    client: 'pg',
    connection: { host: pg2!.host, port: pg2!.port, user: 'postgres', database: 'postgres' },
    pool: { min: 0, max: 2 },
  });
  const fleet = (placement: MemoryPlacement): AppRegistry =>
    createRegistry({
      registry: { healthCheckInterval: 0 },
      tenants: {
        servers: { pg1: db.config({ pool: { min: 0, max: 2 } }), pg2: secondServer() },
        placement,
        pgTools: PG_BIN,
        list: () => ['m1', 'm2', 'm3'],
        migrations: TENANT_MIGRATIONS,
      },
    });

  it('copies, verifies, switches and drops the old copy; the next request is served from the new server', async (ctx) => {
    // Outside CI only: without a second cluster there is nowhere to move to (in CI createSecondPostgres fails the file).
    if (!db.available || remote === undefined) return ctx.skip(NO_SECOND_POSTGRES);
    const placement = new MemoryPlacement({ m1: 'pg1' });
    const registry = fleet(placement);
    const t = await registry.tenant('m1');
    await t.knex('notes').insert([{ body: 'one' }, { body: 'two' }]);
    await t.knex('tags').insert({ label: 'x' });
    const steps: string[] = [];
    const report = await registry.tenants!.move('m1', 'pg2', { onStep: (step) => steps.push(step) });
    expect(steps).toEqual(['lock', 'copy', 'verify', 'switch', 'drop']);
    expect(report).toMatchObject({
      tenant: 'm1',
      from: 'pg1',
      to: 'pg2',
      moved: true,
      oldCopyDropped: true,
      tables: { notes: 2, tags: 1, knexus_migrations: 2 },
    });
    expect(placement.get('m1')).toBe('pg2');
    expect(await schemaExists(db, 'm1')).toBe(false);
    expect(await remote!.withSchema('m1').from('notes').orderBy('id').pluck('body')).toEqual(['one', 'two']);
    // Served from pg2 now, ledger and all: the attach finds both files applied and runs nothing.
    const moved = await registry.tenant('m1');
    await moved.knex('notes').insert({ body: 'three' });
    expect(await remote!.withSchema('m1').from('notes').count({ n: '*' }).first()).toEqual({ n: '3' });
    expect((await moved.migrationStatus()).pending).toEqual([]);
    // Moving to where it lives changes nothing.
    expect(await registry.tenants!.move('m1', 'pg2')).toMatchObject({ moved: false });
  }, 60_000);

  it('leaves the tenant on the old server, with its data, when the copy does not verify', async (ctx) => {
    // Outside CI only: without a second cluster there is nowhere to move to (in CI createSecondPostgres fails the file).
    if (!db.available || remote === undefined) return ctx.skip(NO_SECOND_POSTGRES);
    const placement = new MemoryPlacement({ m2: 'pg1' });
    const registry = fleet(placement);
    await (await registry.tenant('m2')).knex('notes').insert({ body: 'keep me' });
    // A real fault on the target: every `notes` table created there gets one extra row before the data.
    await remote!.raw(`create or replace function knexus_test_extra_row() returns event_trigger language plpgsql as $$
      begin
        if exists (select 1 from pg_event_trigger_ddl_commands() where object_identity = 'm2.notes') then
          insert into m2.notes (id, body) values (1000, 'injected');
        end if;
      end $$`);
    await remote!.raw(
      "create event trigger knexus_test_extra_row on ddl_command_end when tag in ('CREATE TABLE') execute function knexus_test_extra_row()",
    );
    try {
      const error = await registry.tenants!.move('m2', 'pg2').catch((thrown: unknown) => thrown);
      expect(isKnexusError(error, 'KNEXUS_ERR_TENANT_MOVE_FAILED')).toBe(true);
      expect((error as { details: { step: string; mismatches: string[] } }).details).toMatchObject({
        step: 'verify',
        mismatches: ['notes: 1 rows, copy has 2'],
      });
    } finally {
      await remote!.raw('drop event trigger knexus_test_extra_row');
    }
    expect(placement.get('m2')).toBe('pg1');
    expect(await schemaExists(db, 'm2')).toBe(true);
    expect((await remote!.raw("select 1 from pg_namespace where nspname = 'm2'")).rows).toEqual([]);
    const served = await registry.tenant('m2');
    expect(await served.knex('notes').pluck('body')).toEqual(['keep me']);
    // The lock on the old copy went with the failed move: it takes writes again.
    await served.knex('notes').insert({ body: 'after' });
    // And a second attempt, without the fault, moves it.
    expect(await registry.tenants!.move('m2', 'pg2')).toMatchObject({ moved: true });
    expect(await remote!.withSchema('m2').from('notes').orderBy('id').pluck('body')).toEqual(['keep me', 'after']);
  }, 60_000);

  it('makes requests for the tenant wait during the move, then serves them from the new server', async (ctx) => {
    // Outside CI only: without a second cluster there is nowhere to move to (in CI createSecondPostgres fails the file).
    if (!db.available || remote === undefined) return ctx.skip(NO_SECOND_POSTGRES);
    const placement = new MemoryPlacement({ m3: 'pg1' });
    const registry = fleet(placement);
    await (await registry.tenant('m3')).knex('notes').insert({ body: 'a' });
    const moving = registry.tenants!.move('m3', 'pg2');
    const during = registry.tenant('m3').then((handle) => handle.knex('notes').insert({ body: 'during' }));
    await Promise.all([moving, during]);
    expect(await remote!.withSchema('m3').from('notes').orderBy('id').pluck('body')).toEqual(['a', 'during']);
    expect(await schemaExists(db, 'm3')).toBe(false);
  }, 60_000);

  it('refuses an unknown server or a tenant without servers, changing nothing', async (ctx) => {
    // Outside CI only: without a second cluster there is nowhere to move to (in CI createSecondPostgres fails the file).
    if (!db.available || remote === undefined) return ctx.skip(NO_SECOND_POSTGRES);
    const placement = new MemoryPlacement({ m1: 'pg2' });
    const registry = fleet(placement);
    await expect(registry.tenants!.move('m1', 'pg9')).rejects.toMatchObject({
      code: 'KNEXUS_ERR_INVALID_CONFIG',
      field: 'tenants.servers',
    });
    await expect(registry.tenants!.move('nope', 'pg1')).rejects.toMatchObject({ code: 'KNEXUS_ERR_TENANT_NOT_FOUND' });
    expect(placement.get('m1')).toBe('pg2');
  }, 60_000);
  it('knexus tenants move <tenant> --to <server> moves it from the command line', async (ctx) => {
    // Outside CI only: without a second cluster there is nowhere to move to (in CI createSecondPostgres fails the file).
    if (!db.available || remote === undefined) return ctx.skip(NO_SECOND_POSTGRES);
    const dir = mkdtempSync(join(tmpdir(), 'knexus-move-cli-'));
    try {
      const servers = { pg1: db.config({ pool: { min: 0, max: 2 } }), pg2: secondServer() };
      const file = join(dir, 'registry.config.mjs');
      const tenants = { servers, pgTools: PG_BIN, migrations: { directory: TENANT_MIGRATIONS.directory } };
      writeFileSync(file, `export default { tenants: { ...${JSON.stringify(tenants)}, list: () => ['cm1'] } };\n`);
      // Placed and migrated through the API first, in the default placement table on the home server (pg1).
      const registry = createRegistry({ registry: { healthCheckInterval: 0 }, tenants: { ...tenants, list: () => ['cm1'] } as never });
      await (await registry.tenant('cm1')).knex('notes').insert({ body: 'moved by the CLI' });
      const from = ((await db.knex('knexus_tenant_placement').where({ tenant: 'cm1' }).first()) as { server: string }).server;
      const to = from === 'pg1' ? 'pg2' : 'pg1';
      await registry.shutdown();

      const run = await runMainJson(['tenants', 'move', 'cm1', '--to', to, '-c', file]);
      expect(run.code, JSON.stringify(run.json)).toBe(0);
      expect(run.json['move']).toMatchObject({ tenant: 'cm1', from, to, moved: true, oldCopyDropped: true, tables: { notes: 1 } });
      const target = to === 'pg2' ? remote! : db.knex;
      expect(await target.withSchema('cm1').from('notes').pluck('body')).toEqual(['moved by the CLI']);
      expect(((await db.knex('knexus_tenant_placement').where({ tenant: 'cm1' }).first()) as { server: string }).server).toBe(to);

      const unknown = await runMainJson(['tenants', 'move', 'cm1', '--to', 'pg9', '-c', file]);
      expect(unknown.code).toBe(2);
      const usage = await runMainJson(['tenants', 'move', 'cm1', '-c', file]);
      expect(usage.code).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
