import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { AppRegistry, FleetProgress } from '../src/index.js';
import { TENANT_MIGRATIONS, tablesIn, tenantSchema, useTenantDatabase } from './support/tenants.js';
import { useRegistry } from './support/use-registry.js';

const NEXT = fileURLToPath(new URL('./fixtures/tenancy/migrations-next', import.meta.url));
const NEWER_CODE = { directory: [TENANT_MIGRATIONS.directory, NEXT] };

describe.each(['pg', 'mariadb'] as const)('the fleet: check, migrate, rollback (%s)', (dialect) => {
  const db = useTenantDatabase(dialect);
  const createRegistry = useRegistry();

  /** `count` tenants migrated with the two first files, by a registry that is then shut down. */
  async function seedFleet(prefix: string, count: number): Promise<string[]> {
    const names = Array.from({ length: count }, (_, i) => tenantSchema(db, `${prefix}${i}`));
    const setup = createRegistry();
    await setup.registerApp('main', { database: db.config(), reusable: true });
    for (const name of names) await setup.registerApp(name, { useConnection: 'main', schema: name, migrations: TENANT_MIGRATIONS });
    await setup.shutdown();
    return names;
  }

  async function replica(list: readonly string[], migrations: { directory: string | string[] } = NEWER_CODE): Promise<AppRegistry> {
    const registry = createRegistry({ tenants: { owner: 'main', list: () => list, migrations } });
    await registry.registerApp('main', { database: db.config({ pool: { min: 0, max: 4 } }), reusable: true });
    return registry;
  }

  it('check reads every ledger in a few round trips and registers nothing', async () => {
    const migrated = await seedFleet('chk', 8);
    const missing = tenantSchema(db, 'chk_none');
    const registry = await replica([...migrated, missing, 'acme-corp']);
    let queries = 0;
    registry.getApp('main').knex.on('query', () => queries++);
    const result = await registry.tenants!.check();
    expect(result).toMatchObject({ ok: false, total: 10, counts: { behind: 8, missing: 1, invalid: 1, current: 0 } });
    expect(result.tenants.find((t) => t.name === migrated[0])).toMatchObject({ verdict: 'behind', pending: ['003_labels.mjs'] });
    expect(queries).toBeLessThanOrEqual(3);
    expect(registry.getAllApps().map((app) => app.name)).toEqual(['main']);
    const same = await (await replica(migrated, TENANT_MIGRATIONS)).tenants!.check();
    expect(same).toMatchObject({ ok: true, counts: { current: 8 } });
  });

  it('migrate: bounded, with progress, past a failing tenant, then a resume touches nothing done', async () => {
    const migrated = await seedFleet('mig', 6);
    const registry = await replica([...migrated, 'acme-corp']);
    const progress: FleetProgress[] = [];
    const report = await registry.tenants!.migrate({ concurrency: 3, canary: 2, onProgress: (p) => progress.push(p) });
    expect(report).toMatchObject({ operation: 'migrate', ok: false, total: 7, done: 6, failed: 1, skipped: 0, canaryFailed: false });
    expect(report.tenants.find((t) => t.name === migrated[2])).toMatchObject({ status: 'done', files: ['003_labels.mjs'] });
    expect(report.tenants.find((t) => t.name === 'acme-corp')).toMatchObject({
      status: 'failed',
      error: { code: 'KNEXUS_ERR_INVALID_NAME' },
    });
    expect(progress).toHaveLength(6);
    expect(progress.at(-1)).toMatchObject({ finished: 7, total: 7 });
    for (const name of migrated) expect(await tablesIn(db, name)).toContain('labels');
    // Detached again after the job, without rollback.
    expect(registry.getAllApps().map((app) => app.name)).toEqual(['main']);

    const registered: string[] = [];
    registry.on('app-registered', ({ appName }) => registered.push(appName));
    const again = await registry.tenants!.migrate({ resume: report });
    expect(again).toMatchObject({ done: 6, failed: 1 });
    expect(registered).toEqual([]);
  });

  it('a failing canary stops the job before any other tenant is touched', async () => {
    const migrated = await seedFleet('can', 4);
    await db.knex.schema.withSchema(migrated[0]!).createTable('labels', (t) => t.increments('id'));
    const registry = await replica(migrated);
    const report = await registry.tenants!.migrate({ canary: 1 });
    expect(report).toMatchObject({ ok: false, canaryFailed: true, done: 0, failed: 1, skipped: 3 });
    expect(report.tenants[0]).toMatchObject({ name: migrated[0], status: 'failed', error: { code: 'KNEXUS_ERR_MIGRATION_FAILED' } });
    for (const name of migrated.slice(1)) expect(await tablesIn(db, name)).not.toContain('labels');
    expect(registry.tenants!.status().failed).toMatchObject([{ name: migrated[0], during: 'migrate' }]);
  });

  it('rollback to a named migration undoes it in every tenant', async () => {
    const migrated = await seedFleet('rb', 3);
    const registry = await replica(migrated);
    expect((await registry.tenants!.migrate()).ok).toBe(true);
    const report = await registry.tenants!.rollback({ to: '003_labels', concurrency: 2 });
    expect(report).toMatchObject({ operation: 'rollback', ok: true, done: 3 });
    expect(report.tenants[0]).toMatchObject({ files: ['003_labels.mjs'] });
    for (const name of migrated) expect(await tablesIn(db, name)).not.toContain('labels');
    await expect(registry.tenants!.rollback({} as never)).rejects.toMatchObject({ code: 'KNEXUS_ERR_INVALID_CONFIG', field: 'to' });
    await expect(registry.tenants!.migrate({ concurrency: 0 })).rejects.toMatchObject({
      code: 'KNEXUS_ERR_INVALID_CONFIG',
      field: 'concurrency',
    });
    await expect(registry.tenants!.migrate({ canary: -1 })).rejects.toMatchObject({ code: 'KNEXUS_ERR_INVALID_CONFIG', field: 'canary' });
    await expect(registry.tenants!.migrate({ pageSize: 0 })).rejects.toMatchObject({
      code: 'KNEXUS_ERR_INVALID_CONFIG',
      field: 'pageSize',
    });
    await expect(registry.tenants!.check({ pageSize: 1.5 })).rejects.toMatchObject({
      code: 'KNEXUS_ERR_INVALID_CONFIG',
      field: 'pageSize',
    });
  });

  it('migrates the tenants of a checked page while the next page is read, and reports them in list order', async () => {
    const migrated = await seedFleet('pg', 6);
    const registry = await replica([migrated[0]!, 'acme-corp', ...migrated.slice(1)]);
    const log: string[] = [];
    registry
      .getApp('main')
      .knex.on('query', ({ sql }: { sql: string }) => /union all|knexus_migrations/.test(sql) && log.push('page read'));
    registry.on('migrations-started', ({ appName }) => log.push(`migrating ${appName}`));
    const report = await registry.tenants!.migrate({ pageSize: 2, concurrency: 2 });
    expect(report).toMatchObject({ total: 7, done: 6, failed: 1 });
    expect(report.tenants.map((t) => t.name)).toEqual([migrated[0], 'acme-corp', ...migrated.slice(1)]);
    // Four pages of ledgers read; the first tenant was at work before the last page was read.
    expect(log.filter((entry) => entry === 'page read').length).toBeGreaterThanOrEqual(3);
    expect(log.indexOf(`migrating ${migrated[0]}`)).toBeLessThan(log.lastIndexOf('page read'));
    for (const name of migrated) expect(await tablesIn(db, name)).toContain('labels');
  });
});
