import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { useDatabase } from '../support/use-database.js';
import { useRegistry } from '../support/use-registry.js';

const migrations = { directory: fileURLToPath(new URL('../fixtures/migrations-basic', import.meta.url)) };
const openFds = (): number => readdirSync('/proc/self/fd').length;
const resources = (): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
};

describe('register/unregister cycles leave nothing behind', () => {
  const pg = useDatabase('pg');
  const createRegistry = useRegistry();

  it('1,000 SQLite cycles (migrations applied and rolled back): handles, fds and listeners back to baseline', {
    timeout: 120_000,
  }, async () => {
    const registry = createRegistry();
    const listeners = () => registry.eventNames().reduce<number>((sum, name) => sum + registry.listenerCount(name), 0);
    const cycle = async (i: number) => {
      await registry.registerApp(`cycle_${i % 7}`, { database: { client: 'better-sqlite3', connection: ':memory:' }, migrations });
      await registry.unregisterApp(`cycle_${i % 7}`);
    };
    await cycle(0);
    const baseline = { fds: openFds(), resources: resources(), listeners: listeners() };
    for (let i = 1; i <= 1_000; i++) await cycle(i);
    expect({ fds: openFds(), resources: resources(), listeners: listeners() }).toEqual(baseline);
    expect(registry.getStatus().counts).toEqual({ apps: 0, ready: 0, pools: 0 });
    await registry.shutdown();
  });

  it('30 PostgreSQL cycles: no backend left connected', async () => {
    const backends = async () => {
      const { rows } = await pg!.knex.raw('select count(*)::int as n from pg_stat_activity where datname = ? and pid <> pg_backend_pid()', [
        pg!.name,
      ]);
      return rows[0].n as number;
    };
    const before = await backends();
    const registry = createRegistry();
    for (let i = 0; i < 30; i++) {
      await registry.registerApp('cycling', { database: pg.config({ pool: { min: 0, max: 2 } }), migrations });
      await registry.unregisterApp('cycling');
    }
    await registry.shutdown();
    // A closed connection's backend may take a moment to leave pg_stat_activity.
    await vi.waitFor(async () => expect(await backends()).toBe(before), { timeout: 5_000, interval: 25 });
  });
});
