/**
 * What tenant routing relies on inside knex and tarn (src/connection/routed-knex.ts, prefer-own-route.ts).
 * None of it is public API: a knex or tarn upgrade that changes it must fail here, loudly and by name,
 * before it can silently route a tenant's query to another tenant's schema.
 */
import knexFactory, { type Knex } from 'knex';
import { afterAll, describe, expect, it } from 'vitest';

interface TarnPool {
  max: unknown;
  free: unknown;
  used: unknown;
  pendingCreates: unknown;
  pendingAcquires: unknown;
}

describe('knex and tarn internals tenant routing depends on', () => {
  const knex: Knex = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: ':memory:' },
    useNullAsDefault: true,
    pool: { min: 0, max: 2 },
  });
  afterAll(() => knex.destroy());
  const client = knex.client as Knex.Client & {
    pool: TarnPool;
    acquireConnection(): Promise<object>;
    releaseConnection(c: object): Promise<void>;
  };

  it('tarn exposes its free, used and pending lists and its max (affinity reorders the free list)', async () => {
    await knex.raw('select 1');
    const pool = client.pool;
    expect(typeof pool.max).toBe('number');
    for (const list of ['free', 'used', 'pendingCreates', 'pendingAcquires'] as const)
      expect(Array.isArray(pool[list]), `tarn pool.${list}`).toBe(true);
    expect((pool.free as { resource?: unknown }[])[0]).toHaveProperty('resource');
  });

  it('knex asks tarn for a connection synchronously inside acquireConnection (before its first await)', async () => {
    const pool = client.pool as { used: unknown[]; pendingAcquires: unknown[]; free: unknown[] };
    const before = pool.used.length + pool.pendingAcquires.length;
    const acquiring = client.acquireConnection();
    expect(pool.used.length + pool.pendingAcquires.length).toBe(before + 1);
    await client.releaseConnection(await acquiring);
  });

  it('withUserParams builds its client from the original client’s prototype (a route on the prototype is inherited)', () => {
    const derived = knex.withUserParams({ x: 1 });
    expect(Object.getPrototypeOf(derived.client)).toBe(Object.getPrototypeOf(knex.client));
  });

  it('a transaction builds its client from the same prototype and acquires through the original client', async () => {
    let acquired = 0;
    const original = client.acquireConnection;
    (client as { acquireConnection: () => Promise<object> }).acquireConnection = function (this: typeof client) {
      acquired += 1;
      return original.call(this);
    };
    try {
      await knex.transaction(async (trx) => {
        expect(Object.getPrototypeOf(trx.client)).toBe(Object.getPrototypeOf(knex.client));
        expect(Object.hasOwn(trx.client, 'acquireConnection')).toBe(true);
        await trx.raw('select 1');
      });
    } finally {
      delete (client as { acquireConnection?: unknown }).acquireConnection;
    }
    expect(acquired).toBe(1);
  });

  it('knex accepts a client class and an external pool (connectionPool), and destroying that knex keeps the pool', async () => {
    const Dialect = client.constructor as new (config: Knex.Config) => Knex.Client;
    const other = knexFactory({ client: Dialect, connectionPool: client.pool, useNullAsDefault: true } as unknown as Knex.Config);
    expect(((await other.raw('select 7 as n')) as { n: number }[])[0]!.n).toBe(7);
    await other.destroy();
    expect(((await knex.raw('select 8 as n')) as { n: number }[])[0]!.n).toBe(8);
  });
});
