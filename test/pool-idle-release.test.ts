import { randomBytes } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { AppRegistry } from '../src/index.js';
import type { TestDatabase } from './support/databases.js';
import { useDatabase } from './support/use-database.js';
import { useRegistry } from './support/use-registry.js';

async function backends(db: TestDatabase, applicationName: string): Promise<number> {
  const { rows } = (await db.knex.raw('select count(*)::int as n from pg_stat_activity where application_name = ?', [applicationName])) as {
    rows: { n: number }[];
  };
  return rows[0]!.n;
}

describe('lazy, idle-released pools of apps with their own connection (pg)', () => {
  const db = useDatabase('pg');
  const createRegistry = useRegistry();

  const named = (applicationName: string) => {
    const config = db!.config();
    return { ...config, connection: { ...(config.connection as object), application_name: applicationName } };
  };

  it('starts pools empty and closes connections idle longer than registry.idleTimeout', async () => {
    const registry = createRegistry({ registry: { idleTimeout: 30 } });
    const names = Array.from({ length: 5 }, () => `knexus_idle_${randomBytes(4).toString('hex')}`);
    const apps = await Promise.all(names.map((name, i) => registry.registerApp(`app${i}`, { database: named(name) })));
    expect((apps[0]!.knex.client as { pool: { min: number } }).pool.min).toBe(0);
    await Promise.all(apps.map((app) => app.knex.raw('select 1')));
    // Registered apps that are not in use hold no backend once their connections sat idle past 30 ms.
    await vi.waitFor(
      async () => {
        for (const name of names) expect(await backends(db!, name)).toBe(0);
      },
      { timeout: 10_000, interval: 20 },
    );
    // And a pool that was emptied reconnects on demand.
    await expect(apps[0]!.knex.raw('select 1')).resolves.toBeDefined();
    await registry.shutdown();
  });

  it('keeps an explicit database.pool.min', async () => {
    const registry = createRegistry({ registry: { idleTimeout: 30 } });
    const app = await registry.registerApp('warm', { database: { ...db.config(), pool: { min: 1, max: 2 } } });
    expect((app.knex.client as { pool: { min: number } }).pool.min).toBe(1);
    await registry.shutdown();
  });

  it('rejects a negative idleTimeout and a fractional migrationConcurrency', () => {
    expect(() => new AppRegistry({ registry: { idleTimeout: -1 } })).toThrow(
      expect.objectContaining({ code: 'KNEXUS_ERR_INVALID_CONFIG', field: 'registry.idleTimeout' }),
    );
    expect(() => new AppRegistry({ registry: { migrationConcurrency: 1.5 } })).toThrow(
      expect.objectContaining({ code: 'KNEXUS_ERR_INVALID_CONFIG', field: 'registry.migrationConcurrency' }),
    );
  });
});
