import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AppRegistry } from '../../src/index.js';
import { PG } from '../support/databases.js';
import { useDatabase } from '../support/use-database.js';

/** A TCP proxy to PostgreSQL that resets the first `resets` connections (a server restarting), counting them all. */
async function flakyProxy(resets: number): Promise<{ port: number; connections: () => number; server: Server }> {
  let count = 0;
  const open = new Set<Socket>();
  const server = createServer((socket) => {
    count++;
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    if (count <= resets) {
      socket.resetAndDestroy();
      return;
    }
    const upstream = createConnection({ host: PG.host, port: PG.port });
    socket.pipe(upstream).pipe(socket);
    const close = () => {
      socket.destroy();
      upstream.destroy();
    };
    socket.on('error', close);
    upstream.on('error', close);
  });
  server.on('close', () => {
    for (const s of open) s.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as { port: number }).port, connections: () => count, server };
}

describe('registry.connectRetry (pg)', () => {
  const db = useDatabase('pg');
  let proxy: Awaited<ReturnType<typeof flakyProxy>> | undefined;
  afterEach(async () => {
    proxy?.server.close();
    proxy = undefined;
  });
  const through = (port: number, database = db!.name) => ({
    client: 'pg',
    connection: { host: '127.0.0.1', port, user: PG.user, database },
    pool: { min: 0, max: 2 },
  });

  it('retries connections the server reset until one gets through', async () => {
    proxy = await flakyProxy(3);
    const registry = new AppRegistry({ registry: { connectRetry: 20_000 } });
    try {
      const app = await registry.registerApp('patient', { database: through(proxy.port) });
      expect(await app.knex.raw('select 1 as one')).toMatchObject({ rows: [{ one: 1 }] });
      expect(proxy.connections()).toBeGreaterThanOrEqual(4);
    } finally {
      await registry.shutdown();
    }
  });

  it('is off by default: the first reset is KNEXUS_ERR_CONNECTION_FAILED', async () => {
    proxy = await flakyProxy(1);
    const registry = new AppRegistry();
    try {
      await expect(registry.registerApp('impatient', { database: through(proxy.port) })).rejects.toMatchObject({
        code: 'KNEXUS_ERR_CONNECTION_FAILED',
      });
      expect(proxy.connections()).toBe(1);
    } finally {
      await registry.shutdown();
    }
  });

  it('never retries a missing database', async () => {
    proxy = await flakyProxy(0);
    const registry = new AppRegistry({ registry: { connectRetry: 20_000 } });
    try {
      await expect(registry.registerApp('lost', { database: through(proxy.port, 'knexus_no_such_database') })).rejects.toMatchObject({
        code: 'KNEXUS_ERR_CONNECTION_FAILED',
        cause: expect.objectContaining({ code: '3D000' }),
      });
      expect(proxy.connections()).toBe(1);
    } finally {
      await registry.shutdown();
    }
  });

  it('stops retrying when the registry shuts down', async () => {
    proxy = await flakyProxy(Number.POSITIVE_INFINITY);
    const registry = new AppRegistry({ registry: { connectRetry: 600_000 } });
    try {
      const registering = registry.registerApp('stopped', { database: through(proxy.port) });
      registering.catch(() => undefined);
      await vi.waitFor(() => expect(proxy!.connections()).toBeGreaterThanOrEqual(2), { timeout: 10_000, interval: 10 });
      await registry.shutdown();
      await expect(registering).rejects.toMatchObject({ code: 'KNEXUS_ERR_SHUTTING_DOWN', appName: 'stopped' });
    } finally {
      await registry.shutdown();
    }
  });
});
