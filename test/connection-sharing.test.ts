import { describe, expect, it } from 'vitest';
import type { AppRegistry, ConnectionShutdownInfo } from '../src/index.js';
import { useDatabase } from './support/use-database.js';
import { useRegistry } from './support/use-registry.js';

describe.each(['sqlite', 'pg'] as const)('connection sharing (%s)', (dialect) => {
  const db = useDatabase(dialect);
  const createRegistry = useRegistry();
  let registry: AppRegistry;

  it('shares a reusable app’s pool, counts references and closes it with the last user', async () => {
    registry = createRegistry();
    const reused: number[] = [];
    const closed: string[] = [];
    registry.on('connection-reused', (e) => reused.push(e.references));
    registry.on('connection-closed', (e) => closed.push(e.appName));

    const owner = await registry.registerApp('owner', { database: db.config(), reusable: true });
    const a = await registry.registerApp('guest_a', { useConnection: 'owner' });
    const b = await registry.registerApp('guest_b', { useConnection: 'owner' });
    expect(a.knex).toBe(owner.knex);
    expect(b.knex).toBe(owner.knex);
    expect(reused).toEqual([2, 3]);
    expect(registry.getStatus().counts.pools).toBe(1);
    expect(registry.getStatus().apps['guest_a']).toMatchObject({ owner: 'owner', references: 3 });

    // The owner leaving keeps the pool open for the guests.
    await registry.unregisterApp('owner');
    expect(closed).toEqual([]);
    await expect(a.knex.raw('select 1')).resolves.toBeDefined();
    await registry.unregisterApp('guest_a');
    expect(closed).toEqual([]);
    await registry.unregisterApp('guest_b');
    expect(closed).toEqual(['guest_b']);
    await expect(b.knex.raw('select 1')).rejects.toThrow();
  });

  it('refuses useConnection naming an unknown or non-reusable app, never opening a new connection', async () => {
    registry = createRegistry();
    const created: string[] = [];
    registry.on('connection-created', (e) => created.push(e.appName));
    await expect(registry.registerApp('guest', { useConnection: 'nobody' })).rejects.toMatchObject({
      code: 'KNEXUS_ERR_USE_CONNECTION',
      appName: 'guest',
    });
    await registry.registerApp('private', { database: db.config() });
    await expect(registry.registerApp('guest', { useConnection: 'private' })).rejects.toMatchObject({ code: 'KNEXUS_ERR_USE_CONNECTION' });
    await expect(registry.registerApp('guest', { useConnection: 'private', database: db.config() } as never)).rejects.toMatchObject({
      code: 'KNEXUS_ERR_INVALID_CONFIG',
      field: 'database',
    });
    expect(created).toEqual(['private']);
    expect(registry.hasApp('guest')).toBe(false);
  });

  it('fires onConnectionShutdown only when the pool really closes', async () => {
    registry = createRegistry();
    const calls: [string, ConnectionShutdownInfo][] = [];
    await registry.loadPlugin({
      name: 'watcher',
      version: '1.0.0',
      initialize() {},
      shutdown() {},
      getStatus: () => ({}),
      onConnectionShutdown(appName: string, _conn: unknown, info: ConnectionShutdownInfo) {
        calls.push([appName, info]);
      },
    });
    await registry.registerApp('owner', { database: db.config(), reusable: true });
    await registry.registerApp('guest', { useConnection: 'owner' });
    await registry.unregisterApp('guest');
    expect(calls).toEqual([]);
    await registry.unregisterApp('owner');
    expect(calls).toEqual([['owner', { shared: true, lastReference: true, timeout: 30_000 }]]);
  });
});
