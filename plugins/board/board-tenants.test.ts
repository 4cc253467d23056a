/** The board's tenant fleet over HTTP, without a browser: counts by state, failures per code, paged. */
import { describe, expect, it } from 'vitest';
import type { AppRegistry } from '../../src/index.js';
import { useRegistry } from '../../test/support/use-registry.js';
import { useDatabase } from '../../test/support/use-database.js';
import { MemoryPlacement } from '../../src/index.js';
import BoardPlugin, { type BoardStatus } from './index.js';
import type { BoardTenantsPage } from './board-api-types.js';

const memory = { client: 'better-sqlite3', connection: { filename: ':memory:' } } as const;

async function board(registry: AppRegistry): Promise<(path: string) => Promise<{ status: number; body: unknown }>> {
  await registry.loadPlugin(BoardPlugin, { port: 0 });
  const url = (registry.getPlugin('board')!.getStatus() as BoardStatus).url!;
  return async (path) => {
    const response = await fetch(new URL(path, url));
    return { status: response.status, body: await response.json() };
  };
}

describe('board: the tenant fleet', () => {
  const createRegistry = useRegistry();

  it('counts tenants by state and failures by code, and lists failed tenants one page at a time', async () => {
    // 240 tenants a SQLite owner cannot route (one code) and 12 invalid names (another).
    const routed = Array.from({ length: 240 }, (_, i) => `t${String(i).padStart(3, '0')}`);
    const invalid = Array.from({ length: 12 }, (_, i) => `Bad Name ${i}`);
    const registry = createRegistry({ tenants: { owner: 'main', list: () => [...routed, ...invalid], attach: 'off' } });
    await registry.registerApp('main', { database: memory, reusable: true });
    for (const name of [...routed, ...invalid]) await registry.tenant(name).catch(() => undefined);
    const get = await board(registry);

    expect((await get('/api/info')).body).toMatchObject({ tenants: true });
    const first = await get('/api/tenants?pageSize=100');
    expect(first.status).toBe(200);
    const page = first.body as BoardTenantsPage;
    expect(page).toMatchObject({ owner: 'main', resident: 0, attaching: 0, failed: 252, total: 252, page: 1, pageSize: 100 });
    expect(page.failures).toHaveLength(100);
    expect(Object.values(page.codes).reduce((a, b) => a + b, 0)).toBe(252);
    expect(page.codes['KNEXUS_ERR_INVALID_NAME']).toBe(12);
    expect(page.failures[0]).toMatchObject({ name: 'Bad Name 0', during: 'attach', code: 'KNEXUS_ERR_INVALID_NAME', attempts: 1 });

    const last = (await get('/api/tenants?pageSize=100&page=3')).body as BoardTenantsPage;
    expect(last).toMatchObject({ page: 3, total: 252 });
    expect(last.failures).toHaveLength(52);
    // A page size past the cap is cut to 200 rows: the board never sends the whole fleet at once.
    expect(((await get('/api/tenants?pageSize=10000')).body as BoardTenantsPage).failures).toHaveLength(200);

    const invalidOnly = (await get('/api/tenants?code=KNEXUS_ERR_INVALID_NAME')).body as BoardTenantsPage;
    expect(invalidOnly).toMatchObject({ total: 12, failed: 252 });
    expect(invalidOnly.failures.map((f) => f.name)).toEqual([...invalid].sort());
    const byName = (await get('/api/tenants?q=t23')).body as BoardTenantsPage;
    expect(byName.failures.map((f) => f.name)).toEqual(['t230', 't231', 't232', 't233', 't234', 't235', 't236', 't237', 't238', 't239']);
  });

  it('says there is no fleet (info, and 404) when the registry has no tenant directory', async () => {
    const registry = createRegistry();
    const get = await board(registry);
    expect((await get('/api/info')).body).toMatchObject({ tenants: false });
    expect(await get('/api/tenants')).toMatchObject({ status: 404, body: { error: expect.stringContaining('tenant') } });
  });

  describe('on several servers (PostgreSQL)', () => {
    const db = useDatabase('pg');

    it('shows each server (state, placed, here, waiting, failed) and filters failures by server', async () => {
      // pg2 refuses connections: its tenant fails fast with TENANT_SERVER_DOWN and waits for it.
      const down = { client: 'pg', connection: { host: '127.0.0.1', port: 1, user: 'postgres', database: 'none' } } as const;
      const placement = new MemoryPlacement({ up1: 'pg1', up2: 'pg1', away: 'pg2' });
      const registry = createRegistry({
        registry: { healthCheckInterval: 0 },
        tenants: {
          servers: { pg1: db.config({ pool: { min: 0, max: 2 } }), pg2: down },
          placement,
          serverRetry: 60_000,
          list: () => ['up1', 'up2', 'away'],
        },
      });
      await registry.tenant('up1');
      await registry.tenant('up2');
      await expect(registry.tenant('away')).rejects.toMatchObject({ code: 'KNEXUS_ERR_TENANT_SERVER_DOWN' });
      const get = await board(registry);

      const page = (await get('/api/tenants')).body as BoardTenantsPage;
      expect(page.servers).toEqual([
        expect.objectContaining({ name: 'pg1', state: 'up', resident: 2, failed: 0 }),
        expect.objectContaining({ name: 'pg2', state: 'down', resident: 0, waiting: 1, failed: 1 }),
      ]);
      expect(page.failures).toEqual([expect.objectContaining({ name: 'away', server: 'pg2', code: 'KNEXUS_ERR_TENANT_SERVER_DOWN' })]);
      expect(((await get('/api/tenants?server=pg1')).body as BoardTenantsPage).failures).toEqual([]);
      expect(((await get('/api/tenants?server=pg2')).body as BoardTenantsPage).total).toBe(1);
    });
  });
});
