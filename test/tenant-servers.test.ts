/**
 * A fleet over two PostgreSQL servers (the shared one and a second cluster started for this file):
 * placement by the default policy recorded in the home server's table, a server down at boot whose
 * tenants wait and attach once it answers, and placement in status and metrics.
 */
import knexFactory from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryPlacement, PLACEMENT_TABLE, isKnexusError } from '../src/index.js';
import { createSecondPostgres, type SecondPostgres, NO_SECOND_POSTGRES } from './support/second-postgres.js';
import { TENANT_MIGRATIONS } from './support/tenants.js';
import { useDatabase } from './support/use-database.js';
import { useRegistry } from './support/use-registry.js';

const db = useDatabase('pg');
const createRegistry = useRegistry();
const until = async (check: () => boolean, ms: number) => {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  return check();
};

describe('tenants on several servers', () => {
  let pg2: SecondPostgres | undefined;
  beforeAll(async () => {
    pg2 = await createSecondPostgres({ start: false });
  }, 60_000);
  afterAll(async () => {
    await pg2?.remove();
  });
  const secondServer = () => ({
    client: 'pg',
    connection: { host: pg2!.host, port: pg2!.port, user: 'postgres', database: 'postgres' },
    pool: { min: 0, max: 2 },
  });

  it('places new tenants on the server with the fewest, records it on the home server, and status counts per server', async (ctx) => {
    // Outside CI only: without a second cluster this machine cannot place tenants (in CI createSecondPostgres fails the file).
    if (!db.available || pg2 === undefined) return ctx.skip(NO_SECOND_POSTGRES);
    await pg2.start();
    try {
      const registry = createRegistry({
        tenants: {
          servers: { pg1: db.config({ pool: { min: 0, max: 2 } }), pg2: secondServer() },
          list: () => ['a', 'b', 'c'],
          migrations: TENANT_MIGRATIONS,
        },
      });
      for (const name of ['a', 'b', 'c']) await (await registry.tenant(name)).knex('notes').insert({ body: name });
      const placed = await db.knex(PLACEMENT_TABLE).select('tenant', 'server').orderBy('tenant');
      expect(placed).toEqual([
        { tenant: 'a', server: 'pg1' },
        { tenant: 'b', server: 'pg2' },
        { tenant: 'c', server: 'pg1' },
      ]);
      const remote = knexFactory(secondServer());
      try {
        expect((await remote.withSchema('b').from('notes').select('body')).map((row) => row.body)).toEqual(['b']);
      } finally {
        await remote.destroy();
      }
      const status = await registry.tenants!.refreshPlacement();
      expect(status.servers?.map(({ name, state, placed: n, resident }) => ({ name, state, placed: n, resident }))).toEqual([
        { name: 'pg1', state: 'up', placed: 2, resident: 2 },
        { name: 'pg2', state: 'up', placed: 1, resident: 1 },
      ]);
      expect(registry.getStatus().tenants?.servers?.length).toBe(2);
      const metrics = await registry.metrics();
      expect(metrics).toMatch(/knexus_tenants_placed\{server="pg1"\} 2/);
      expect(metrics).toMatch(/knexus_tenant_server_up\{server="pg2"\} 1/);
      await registry.shutdown();
      // A new process reads the placement back instead of placing again.
      const again = createRegistry({
        tenants: {
          servers: { pg1: db.config({ pool: { min: 0, max: 2 } }), pg2: secondServer() },
          list: () => ['a', 'b', 'c'],
          migrations: TENANT_MIGRATIONS,
        },
      });
      expect(await (await again.tenant('b')).knex('notes').pluck('body')).toEqual(['b']);
      // The fleet check reads each server's ledgers on that server, in one result.
      const check = await again.tenants!.check();
      expect(check).toMatchObject({ ok: true, total: 3, counts: { current: 3, unreachable: 0 } });
      await again.shutdown();
      // With pg2 down, its tenant is unreachable in the check and failed, untouched, by a fleet job; pg1's go on.
      await pg2.stop();
      const third = createRegistry({
        tenants: {
          servers: { pg1: db.config({ pool: { min: 0, max: 2 } }), pg2: secondServer() },
          list: () => ['a', 'b', 'c'],
          migrations: TENANT_MIGRATIONS,
        },
      });
      const partial = await third.tenants!.check();
      expect(partial).toMatchObject({ ok: false, total: 3, counts: { current: 2, unreachable: 1 } });
      expect(partial.tenants).toEqual([expect.objectContaining({ name: 'b', verdict: 'unreachable' })]);
      const job = await third.tenants!.migrate();
      expect(job.tenants.find((t) => t.name === 'b')).toMatchObject({ status: 'failed', error: { code: 'KNEXUS_ERR_TENANT_SERVER_DOWN' } });
      expect(
        job.tenants
          .filter((t) => t.status === 'done')
          .map((t) => t.name)
          .sort(),
      ).toEqual(['a', 'c']);
    } finally {
      await pg2.stop();
    }
  }, 60_000);

  it('keeps the tenants of a server down at boot waiting, and attaches them once it answers', async (ctx) => {
    // Outside CI only: without a second cluster this machine cannot place tenants (in CI createSecondPostgres fails the file).
    if (!db.available || pg2 === undefined) return ctx.skip(NO_SECOND_POSTGRES);
    const placement = new MemoryPlacement({ up1: 'pg1', w1: 'pg2', w2: 'pg2' });
    const registry = createRegistry({
      registry: { healthCheckInterval: 0 },
      tenants: {
        servers: { pg1: db.config({ pool: { min: 0, max: 2 } }), pg2: secondServer() },
        placement,
        serverRetry: 200,
        list: () => ['up1', 'w1', 'w2', 'new1'],
        migrations: TENANT_MIGRATIONS,
      },
    });
    await registry.tenant('up1');
    for (const name of ['w1', 'w2']) {
      const error = await registry.tenant(name).catch((thrown: unknown) => thrown);
      expect(isKnexusError(error, 'KNEXUS_ERR_TENANT_SERVER_DOWN')).toBe(true);
      expect((error as { details: { server: string; retryable: boolean } }).details).toMatchObject({ server: 'pg2', retryable: true });
    }
    // A new tenant goes to a server that answers.
    await registry.tenant('new1');
    expect(placement.get('new1')).toBe('pg1');
    const down = registry.tenants!.status().servers!.find((server) => server.name === 'pg2')!;
    expect(down).toMatchObject({ state: 'down', waiting: 2, waitingNames: ['w1', 'w2'], error: { code: 'KNEXUS_ERR_CONNECTION_FAILED' } });
    expect(registry.tenants!.isResident('w1')).toBe(false);
    // Health shows the server that is down and how many tenants wait for it; the verdict is degraded, not failed.
    const health = await registry.healthCheck();
    expect(health.status).toBe('degraded');
    expect(health.servers).toEqual([
      expect.objectContaining({ name: 'pg1', state: 'up', waiting: 0 }),
      expect.objectContaining({ name: 'pg2', state: 'down', waiting: 2, error: expect.any(String) }),
    ]);

    await pg2.start();
    try {
      expect(await until(() => registry.tenants!.isResident('w1') && registry.tenants!.isResident('w2'), 15_000)).toBe(true);
      expect(registry.tenants!.status().servers!.find((server) => server.name === 'pg2')).toMatchObject({
        state: 'up',
        waiting: 0,
        resident: 2,
      });
      expect(registry.tenants!.status().failed.map((failure) => failure.name)).not.toContain('w1');
      await (await registry.tenant('w1')).knex('notes').insert({ body: 'served by pg2' });
      await registry.shutdown();
    } finally {
      await pg2.stop();
    }
  }, 60_000);

  it('refuses servers and placement options that cannot work, before anything starts', () => {
    expect(() => createRegistry({ tenants: { servers: {}, list: () => [] } })).toThrow(
      expect.objectContaining({ code: 'KNEXUS_ERR_INVALID_CONFIG', field: 'tenants.servers' }),
    );
    expect(() =>
      createRegistry({ tenants: { servers: { pg1: { client: 'pg', connection: {} } }, placement: {} as never, list: () => [] } }),
    ).toThrow(expect.objectContaining({ code: 'KNEXUS_ERR_INVALID_CONFIG', field: 'tenants.placement' }));
  });
});
