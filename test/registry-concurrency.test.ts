import { describe, expect, it } from 'vitest';
import type { AppRegistry } from '../src/index.js';
import { useRegistry } from './support/use-registry.js';

const memory = () => ({ client: 'better-sqlite3', connection: { filename: ':memory:' } }) as const;

describe('app state machine under concurrency', () => {
  const createRegistry = useRegistry();
  let registry: AppRegistry;

  it('two concurrent registrations of one name: one wins, the other gets already registered, nothing leaks', async () => {
    registry = createRegistry();
    const created: string[] = [];
    registry.on('connection-created', (e) => created.push(e.appName));
    const results = await Promise.allSettled([
      registry.registerApp('same', { database: memory() }),
      registry.registerApp('same', { database: memory() }),
    ]);
    const fulfilled = results.filter((r) => r.status === 'fulfilled');
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(fulfilled).toHaveLength(1);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.reason).toMatchObject({ code: 'KNEXUS_ERR_APP_EXISTS', appName: 'same' });
    expect(rejected[0]!.reason.message).toContain('already registered');
    expect(created).toEqual(['same']);
    expect(registry.getStatus().counts).toMatchObject({ apps: 1, ready: 1, pools: 1 });
  });

  it('a failed registration closes what it opened and leaves the name free', async () => {
    registry = createRegistry();
    const closed: string[] = [];
    registry.on('connection-closed', (e) => closed.push(e.appName));
    await expect(
      registry.registerApp('broken', {
        database: memory(),
        models: { definitions: { Bad: class NotAModel {} as never } },
      }),
    ).rejects.toMatchObject({ code: 'KNEXUS_ERR_INVALID_MODEL', appName: 'broken' });
    expect(closed).toEqual(['broken']);
    expect(registry.hasApp('broken')).toBe(false);
    expect(registry.getStatus().counts.apps).toBe(0);
    await expect(registry.registerApp('broken', { database: memory() })).resolves.toBeDefined();
  });

  it('unregistering an app that is still registering is refused with a coded error', async () => {
    registry = createRegistry();
    const pending = registry.registerApp('slow', { database: memory() });
    await expect(registry.unregisterApp('slow')).rejects.toMatchObject({ code: 'KNEXUS_ERR_APP_NOT_READY', appName: 'slow' });
    await pending;
    await expect(registry.unregisterApp('slow')).resolves.toBe(true);
  });

  it('registers many apps concurrently, each with its own connection', async () => {
    registry = createRegistry();
    const names = Array.from({ length: 50 }, (_, i) => `tenant_${i}`);
    await Promise.all(names.map((name) => registry.registerApp(name, { database: memory() })));
    await Promise.all(names.map((name) => registry.getApp(name).knex.raw(`create table t (v text)`)));
    await registry.getApp('tenant_0').knex.raw(`insert into t values ('only here')`);
    expect(await registry.getApp('tenant_1').knex('t').count({ n: '*' })).toEqual([{ n: 0 }]);
    expect(registry.getStatus().counts).toMatchObject({ apps: 50, ready: 50, pools: 50 });
    await Promise.all(names.map((name) => registry.unregisterApp(name)));
    expect(registry.getStatus().counts.apps).toBe(0);
  });
});
