import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { TestDatabase } from './support/databases.js';
import { useDatabase } from './support/use-database.js';
import { TENANT_MIGRATIONS, currentSchema, tablesIn, tenantSchema, useTenantDatabase } from './support/tenants.js';
import { useRegistry } from './support/use-registry.js';

/** Samples how many server sessions carry `applicationName` until stopped; resolves with the highest count seen. */
function watchBackends(db: TestDatabase, applicationName: string): { stop(): Promise<number> } {
  let max = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const { rows } = (await db.knex.raw('select count(*)::int as n from pg_stat_activity where application_name = ?', [
        applicationName,
      ])) as {
        rows: { n: number }[];
      };
      max = Math.max(max, rows[0]!.n);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return max;
    },
  };
}

describe('many apps with their own schema on one PostgreSQL pool', () => {
  const db = useDatabase('pg');
  const createRegistry = useRegistry();

  it('registers and unregisters 500 apps on a pool of max 5 without ever holding more than 5 backends', { timeout: 240_000 }, async (t) => {
    const applicationName = `knexus_scale_${randomBytes(4).toString('hex')}`;
    const registry = createRegistry();
    const config = db.config();
    await registry.registerApp('main', {
      database: { ...config, connection: { ...(config.connection as object), application_name: applicationName }, pool: { max: 5 } },
      reusable: true,
    });
    const names = Array.from({ length: 500 }, (_, i) => `t${i}`);
    const watch = watchBackends(db, applicationName);
    try {
      // All at once: migrations of different apps run concurrently on the shared pool, bounded below its size.
      await Promise.all(
        names.map((name) => registry.registerApp(name, { useConnection: 'main', schema: name, migrations: TENANT_MIGRATIONS })),
      );
      for (const name of ['t0', 't250', 't499']) expect(await currentSchema(registry.getApp(name).knex, 'pg')).toBe(name);
      expect(await tablesIn(db, 't123')).toEqual(['knexus_migrations', 'notes', 'tags']);
      await Promise.all(names.map((name) => registry.unregisterApp(name)));
    } finally {
      const peak = await watch.stop();
      expect(peak).toBeGreaterThan(0);
      expect(peak).toBeLessThanOrEqual(5);
    }
    expect(await tablesIn(db, 't123')).toEqual(['knexus_migrations']);
    await registry.shutdown();
  });
});

describe.each(['pg', 'mariadb'] as const)('concurrent registration on one shared pool (%s)', (dialect) => {
  const db = useTenantDatabase(dialect);
  const createRegistry = useRegistry();

  it('registers 50 apps with their own schema at once, each migrated once in its own schema', { timeout: 120_000 }, async () => {
    const registry = createRegistry({ registry: { migrationConcurrency: 3 } });
    await registry.registerApp('main', { database: db.config({ pool: { max: 4 } }), reusable: true });
    const schemas = Array.from({ length: 50 }, (_, i) => tenantSchema(db!, i));
    const apps = await Promise.all(
      schemas.map((schema, i) => registry.registerApp(`app${i}`, { useConnection: 'main', schema, migrations: TENANT_MIGRATIONS })),
    );
    expect(registry.getStatus().counts.pools).toBe(1);
    await Promise.all(apps.map((app, i) => app.knex('notes').insert({ body: `note of ${i}` })));
    for (const [i, app] of apps.entries()) {
      expect(await app.knex('notes').pluck('body')).toEqual([`note of ${i}`]);
      expect(await db.knex.withSchema(schemas[i]!).from('knexus_migrations').count({ n: '*' })).toEqual([
        { n: dialect === 'pg' ? '2' : 2 },
      ]);
    }
    await registry.shutdown();
  });

  it('does not deadlock a pool of one connection when 10 apps migrate at once', { timeout: 60_000 }, async () => {
    const registry = createRegistry();
    await registry.registerApp('main', { database: db.config({ pool: { max: 1 } }), reusable: true });
    const apps = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        registry.registerApp(`one${i}`, { useConnection: 'main', schema: tenantSchema(db!, `one${i}`), migrations: TENANT_MIGRATIONS }),
      ),
    );
    for (const [i, app] of apps.entries()) expect(await currentSchema(app.knex, dialect)).toBe(tenantSchema(db, `one${i}`));
    await registry.shutdown();
  });
});
