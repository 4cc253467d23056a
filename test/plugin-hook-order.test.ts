import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { AppRegistry, AppHandle } from '../src/index.js';
import { tracer, type TraceEntry } from './fixtures/plugins/tracer.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'plugins');
const memory = () => ({ client: 'better-sqlite3', connection: { filename: ':memory:' } }) as const;

describe('hook order', () => {
  let registry: AppRegistry;
  let trace: TraceEntry[];
  const hooks = (): string[] => trace.map((t) => t.hook);

  async function setUp(): Promise<void> {
    trace = [];
    registry = new AppRegistry();
    await registry.loadPlugin(tracer('tracer', trace));
  }
  afterEach(async () => {
    await registry.shutdown();
  });

  it('registration: started → connection created → auto-operations → registered, with typed arguments and a context', async () => {
    await setUp();
    const connection = await registry.registerApp('a', {
      database: memory(),
      migrations: { directory: join(fixtures, 'migrations') },
      seeds: { directory: join(fixtures, 'seeds') },
    });
    expect(hooks()).toEqual([
      'onAppRegistrationStarted',
      'onConnectionCreated',
      'onAutoOperationsStarted',
      'onAutoOperationsCompleted',
      'onAppRegistered',
    ]);
    expect(trace.every((t) => t.args[0] === 'a')).toBe(true);
    expect(trace[0]?.args[1]).toMatchObject({ client: 'better-sqlite3' });
    expect(trace[1]?.args[1]).toBe(connection);
    expect(trace[3]?.args[1]).toMatchObject({ migrations: { applied: ['001_items.mjs'] }, seeds: { applied: ['001_items.mjs'] } });
    expect(trace[4]?.args).toEqual(['a', connection, trace[0]?.args[1]]);
    for (const { context, hook } of trace) {
      expect(context).toMatchObject({ hook, pluginName: 'tracer' });
      expect(context.signal).toBeInstanceOf(AbortSignal);
      expect(context.signal.aborted).toBe(false);
    }
  });

  it('unregistration with rollback: started → rollback started/completed → connection shutdown → unregistered', async () => {
    await setUp();
    const connection = await registry.registerApp('a', { database: memory(), migrations: { directory: join(fixtures, 'migrations') } });
    trace.length = 0;
    await registry.unregisterApp('a');
    expect(hooks()).toEqual([
      'onAppUnregistrationStarted',
      'onAppRollbackStarted',
      'onAppRollbackCompleted',
      'onConnectionShutdown',
      'onAppUnregistered',
    ]);
    expect(trace[1]?.args[1]).toBe(connection);
    expect(trace[2]?.args[1]).toMatchObject({ migrations: { rolledBack: ['001_items.mjs'] } });
    expect(trace[3]?.args[2]).toEqual({ shared: false, lastReference: true, timeout: expect.any(Number) });
  });

  it('unregistration without anything to undo skips the rollback hooks', async () => {
    await setUp();
    await registry.registerApp('a', { database: memory() });
    trace.length = 0;
    await registry.unregisterApp('a', { skipRollback: true });
    expect(hooks()).toEqual(['onAppUnregistrationStarted', 'onConnectionShutdown', 'onAppUnregistered']);
  });

  it('a shared pool: reuse fires onConnectionCreated, and onConnectionShutdown fires only when the pool really closes', async () => {
    await setUp();
    const owner = await registry.registerApp('owner', { database: memory(), reusable: true });
    await registry.registerApp('guest', { useConnection: 'owner' });
    expect(trace.filter((t) => t.hook === 'onConnectionCreated').map((t) => t.args[0])).toEqual(['owner', 'guest']);
    trace.length = 0;
    await registry.unregisterApp('guest');
    expect(hooks()).toEqual(['onAppUnregistrationStarted', 'onAppUnregistered']);
    trace.length = 0;
    await registry.unregisterApp('owner');
    expect(hooks()).toEqual(['onAppUnregistrationStarted', 'onConnectionShutdown', 'onAppUnregistered']);
    expect(trace[1]?.args[1]).toBe(owner);
    expect(trace[1]?.args[2]).toMatchObject({ shared: true, lastReference: true });
  });

  it('a failing migration: onOperationFailed("migrations") after onAutoOperationsStarted, then the connection closes', async () => {
    await setUp();
    await expect(
      registry.registerApp('bad', { database: memory(), migrations: { directory: join(fixtures, 'migrations-broken') } }),
    ).rejects.toThrow(/migration exploded/);
    expect(hooks()).toEqual([
      'onAppRegistrationStarted',
      'onConnectionCreated',
      'onAutoOperationsStarted',
      'onOperationFailed',
      'onConnectionShutdown',
    ]);
    const failed = trace[3]!;
    expect(failed.args[0]).toBe('bad');
    expect(failed.args[1]).toBe('migrations');
    expect((failed.args[2] as Error).message).toMatch(/migration exploded/);
    expect(failed.args[3]).toMatchObject({ during: 'registration' });
    expect(trace[1]?.args[1]).toBeInstanceOf(AppHandle);
  });

  it('a failing connection: onOperationFailed("connection") right after onAppRegistrationStarted', async () => {
    await setUp();
    await expect(
      registry.registerApp('offline', {
        database: { client: 'better-sqlite3', connection: { filename: join(fixtures, 'no-such-dir', 'x.sqlite') } },
      }),
    ).rejects.toMatchObject({ code: 'KNEXUS_ERR_CONNECTION_FAILED' });
    expect(hooks()).toEqual(['onAppRegistrationStarted', 'onOperationFailed']);
    expect(trace[1]?.args[1]).toBe('connection');
  });
});
