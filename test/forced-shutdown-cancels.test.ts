import { describe, expect, it } from 'vitest';
import { useDatabase } from './support/use-database.js';
import { useRegistry } from './support/use-registry.js';

/** How each server lists the statements its sessions run, and a statement that runs 20 s. */
const SERVERS = [
  {
    dialect: 'pg',
    sleep: 'select pg_sleep(20) as knexus_abandoned',
    running: "select count(*) as n from pg_stat_activity where state = 'active' and query like 'select pg_sleep(20) as knexus_abandoned%'",
    rows: (result: unknown) => (result as { rows: { n: unknown }[] }).rows,
  },
  {
    dialect: 'mariadb',
    sleep: 'select sleep(20) as knexus_abandoned',
    running: "select count(*) as n from information_schema.processlist where info like 'select sleep(20) as knexus_abandoned%'",
    rows: (result: unknown) => (result as [{ n: unknown }[]])[0],
  },
] as const;

describe.each(SERVERS)('a forced shutdown cancels what it abandons ($dialect)', ({ dialect, sleep, running, rows }) => {
  const db = useDatabase(dialect);
  const createRegistry = useRegistry();
  const count = async () => Number(rows(await db.knex.raw(running))[0]?.n);

  async function waitFor(condition: () => Promise<boolean>, ms: number): Promise<boolean> {
    const deadline = performance.now() + ms;
    while (performance.now() < deadline) {
      if (await condition()) return true;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return condition();
  }

  it('a statement still running when the pool is destroyed by force stops on the server within about a second', async () => {
    const registry = createRegistry({ registry: { shutdownTimeout: 50 } });
    const app = await registry.registerApp('sleeper', { database: db.config() });
    const abandoned = app.knex.raw(sleep).catch((error: unknown) => error);
    expect(await waitFor(async () => (await count()) === 1, 5_000)).toBe(true);

    const started = performance.now();
    const result = await registry.shutdown();
    // Bounded: MariaDB's driver waited for the statement to end (20 s) before closing its connection.
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(result.forced).toEqual(['sleeper']);
    // Seen from a separate connection: the server no longer runs it (it would for the full 20 s).
    expect(await waitFor(async () => (await count()) === 0, 1_000)).toBe(true);
    await abandoned;
  });
});
