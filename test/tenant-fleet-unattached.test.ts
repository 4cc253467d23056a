import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AppRegistry } from '../src/index.js';
import { TENANT_MIGRATIONS, tablesIn, tenantSchema, useTenantDatabase } from './support/tenants.js';
import { useRegistry } from './support/use-registry.js';

describe.each(['pg', 'mariadb'] as const)('a fleet job on tenants that are not attached (%s)', (dialect) => {
  const db = useTenantDatabase(dialect);
  const createRegistry = useRegistry();
  // A third file that takes a while, so a test can act while it runs.
  const slow = mkdtempSync(join(tmpdir(), 'knexus-slow-'));
  const sleep = dialect === 'pg' ? 'select pg_sleep(0.4)' : 'select sleep(0.4)';
  writeFileSync(
    join(slow, '003_slow.mjs'),
    `export async function up(knex) { await knex.raw('${sleep}'); await knex.schema.createTable('slow', (t) => t.increments('id')); }\n` +
      `export async function down(knex) { await knex.schema.dropTable('slow'); }\n`,
  );
  afterAll(() => rmSync(slow, { recursive: true, force: true }));
  const NEWER = { directory: [TENANT_MIGRATIONS.directory, slow] };

  async function fleet(
    prefix: string,
    count: number,
    extra: Record<string, unknown> = {},
  ): Promise<{ names: string[]; registry: AppRegistry }> {
    const names = Array.from({ length: count }, (_, i) => tenantSchema(db, `${prefix}${i}`));
    const setup = createRegistry();
    await setup.registerApp('main', { database: db.config(), reusable: true });
    for (const name of names) await setup.registerApp(name, { useConnection: 'main', schema: name, migrations: TENANT_MIGRATIONS });
    await setup.shutdown();
    const registry = createRegistry({ tenants: { owner: 'main', attach: 'verify', list: () => names, migrations: NEWER, ...extra } });
    await registry.registerApp('main', { database: db.config({ pool: { min: 0, max: 4 } }), reusable: true });
    return { names, registry };
  }

  /** Resolves when the job starts migrating `name`. */
  const started = (registry: AppRegistry, name: string) =>
    new Promise<void>((resolve) => registry.on('migrations-started', ({ appName }) => appName === name && resolve()));

  it('a request for a tenant being migrated waits for its run, then attaches the migrated tenant', async () => {
    const { names, registry } = await fleet('wait', 1);
    const order: string[] = [];
    registry.on('migrations-completed', ({ appName }) => order.push(`migrated ${appName}`));
    registry.on('app-registered', ({ appName }) => order.push(`attached ${appName}`));
    const job = registry.tenants!.migrate();
    await started(registry, names[0]!);
    // attach 'verify' would refuse a tenant still behind: the request must wait for the run, not race it.
    const handle = await registry.tenant(names[0]!);
    expect(await handle.knex('slow').count({ n: '*' })).toEqual([{ n: dialect === 'pg' ? '0' : 0 }]);
    expect(await job).toMatchObject({ ok: true, done: 1 });
    expect(order).toEqual([`migrated ${names[0]}`, `attached ${names[0]}`]);
  });

  it('the owner cannot leave while the job runs on its pool, and can once it is done', async () => {
    const { registry } = await fleet('own', 2);
    const job = registry.tenants!.migrate({ concurrency: 2 });
    await new Promise((resolve) => registry.once('migrations-started', resolve));
    await expect(registry.unregisterApp('main', { skipRollback: true })).rejects.toMatchObject({ code: 'KNEXUS_ERR_POOL_IN_USE' });
    expect(await job).toMatchObject({ ok: true, done: 2 });
    await expect(registry.unregisterApp('main', { skipRollback: true })).resolves.toBe(true);
  });

  it('a failure is reported for the tenant (status, error event) and the others go on', async () => {
    const { names, registry } = await fleet('bad', 3);
    // The second tenant already has the table the slow file creates: its run fails, the rest apply.
    await db.knex.raw(dialect === 'pg' ? `create table "${names[1]}".slow (id int)` : `create table \`${names[1]}\`.slow (id int)`);
    const errors: string[] = [];
    registry.on('error', ({ appName }) => errors.push(appName ?? ''));
    const report = await registry.tenants!.migrate({ concurrency: 3 });
    expect(report).toMatchObject({ ok: false, done: 2, failed: 1 });
    expect(report.tenants.find((t) => t.name === names[1])).toMatchObject({
      status: 'failed',
      error: { code: 'KNEXUS_ERR_MIGRATION_FAILED' },
    });
    expect(errors).toEqual([names[1]]);
    expect(registry.tenants!.status().failed).toMatchObject([{ name: names[1], during: 'migrate' }]);
    for (const name of [names[0]!, names[2]!]) expect(await tablesIn(db, name)).toContain('slow');
  });

  it('tenants whose config has a pool of their own are attached for the job, as before', async () => {
    const names = Array.from({ length: 2 }, (_, i) => tenantSchema(db, `ownpool${i}`));
    const registered: string[] = [];
    const registry = createRegistry({
      tenants: {
        owner: 'main',
        list: () => names,
        migrations: TENANT_MIGRATIONS,
        config: (name) => ({ database: db.config({ pool: { min: 0, max: 1 } }), schema: name, migrations: TENANT_MIGRATIONS }),
      },
    });
    registry.on('app-registered', ({ appName }) => registered.push(appName));
    await registry.registerApp('main', { database: db.config({ pool: { min: 0, max: 2 } }), reusable: true });
    expect(await registry.tenants!.migrate()).toMatchObject({ ok: true, done: 2 });
    expect(registered.sort()).toEqual(['main', ...names].sort());
    for (const name of names) expect(await tablesIn(db, name)).toContain('notes');
    expect(registry.getAllApps().map((app) => app.name)).toEqual(['main']);
  });
});
