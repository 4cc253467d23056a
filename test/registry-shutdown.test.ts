import { describe, expect, it } from 'vitest';
import { AppRegistry, definePlugin } from '../src/index.js';
import { useDatabase } from './support/use-database.js';
import { useRegistry } from './support/use-registry.js';

const memory = () => ({ client: 'better-sqlite3', connection: { filename: ':memory:' } }) as const;

describe('shutdown', () => {
  const pg = useDatabase('pg');
  const createRegistry = useRegistry();

  it('is idempotent, closes apps in reverse registration order and never rolls back', async () => {
    const registry = createRegistry();
    const order: string[] = [];
    registry.on('connection-closed', (e) => order.push(e.appName));
    const rollbacks: string[] = [];
    registry.on('app-rollback-started', (e) => rollbacks.push(e.appName));
    for (const name of ['first', 'second', 'third']) await registry.registerApp(name, { database: memory() });
    const one = registry.shutdown();
    expect(registry.shutdown()).toBe(one);
    const result = await one;
    expect(order).toEqual(['third', 'second', 'first']);
    expect(result).toMatchObject({ closed: ['third', 'second', 'first'], forced: [], errors: [] });
    expect(rollbacks).toEqual([]);
    expect(registry.getAllApps()).toEqual([]);
  });

  it('refuses registerApp during shutdown with a coded error', async () => {
    const registry = createRegistry();
    await registry.registerApp('a', { database: memory() });
    const done = registry.shutdown();
    await expect(registry.registerApp('b', { database: memory() })).rejects.toMatchObject({
      code: 'KNEXUS_ERR_SHUTTING_DOWN',
      appName: 'b',
    });
    await done;
  });

  it('destroys by force a pool that will not close in time and names it', async (t) => {
    const registry = createRegistry({ registry: { shutdownTimeout: 200 } });
    const conn = await registry.registerApp('stuck', { database: pg.config() });
    await registry.registerApp('fine', { database: memory() });
    // A transaction left open holds its connection, so a graceful destroy would wait forever.
    let release!: () => void;
    const hold = new Promise<void>((resolve) => (release = resolve));
    const trx = conn.knex.transaction(async (t) => {
      await t.raw('select 1');
      await hold;
    });
    trx.catch(() => undefined);
    await new Promise((r) => setTimeout(r, 20));
    const started = Date.now();
    const result = await registry.shutdown();
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(result.forced).toEqual(['stuck']);
    expect(result.closed).toEqual(['fine']);
    release();
  });

  it('aborts hook calls still running when shutdown starts, instead of waiting out hookTimeout', async () => {
    const registry = createRegistry({ pluginManager: { hookTimeout: 10_000 } });
    let aborted: unknown;
    let entered!: () => void;
    const inHook = new Promise<void>((resolve) => (entered = resolve));
    await registry.loadPlugin(
      definePlugin({
        name: 'hangs',
        version: '1.0.0',
        initialize() {},
        shutdown() {},
        getStatus: () => ({}),
        onAppRegistered(_app, _conn, _config, { signal }) {
          entered();
          return new Promise<void>((resolve) => signal.addEventListener('abort', () => ((aborted = signal.reason), resolve())));
        },
      }),
    );
    const registering = registry.registerApp('slow', { database: memory() });
    await inHook;
    const started = Date.now();
    await registry.shutdown();
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(aborted).toMatchObject({ code: 'KNEXUS_ERR_SHUTTING_DOWN' });
    await expect(registering).resolves.toBeDefined();
  });

  it('Symbol.asyncDispose shuts the registry down', async () => {
    const events: unknown[] = [];
    {
      await using registry = new AppRegistry();
      registry.on('shutdown-completed', (e) => events.push(e));
      await registry.registerApp('scoped', { database: memory() });
    }
    expect(events).toEqual([expect.objectContaining({ closed: ['scoped'] })]);
  });
});
