import { describe, expect, it } from 'vitest';
import { AppRegistry, AppHandle, KnexusError } from '../src/index.js';
import { useRegistry } from './support/use-registry.js';

const memory = () => ({ client: 'better-sqlite3', connection: { filename: ':memory:' } }) as const;

describe('app lifecycle', () => {
  const createRegistry = useRegistry();
  let registry: AppRegistry;

  it('registers a bare app, exposes it, and unregisters it', async () => {
    registry = createRegistry();
    const conn = await registry.registerApp('blog', { database: memory() });
    expect(conn).toBeInstanceOf(AppHandle);
    expect(conn.name).toBe('blog');
    expect(await conn.knex.raw('select 1 as one')).toEqual([{ one: 1 }]);
    expect(registry.hasApp('blog')).toBe(true);
    expect(registry.getApp('blog')).toBe(conn);
    expect(registry.getAllApps().map((a) => a.name)).toEqual(['blog']);
    expect(registry.getStatus().apps['blog']?.state).toBe('ready');

    await expect(registry.unregisterApp('blog')).resolves.toBe(true);
    expect(registry.hasApp('blog')).toBe(false);
    expect(() => registry.getApp('blog')).toThrow(expect.objectContaining({ code: 'KNEXUS_ERR_APP_NOT_FOUND', appName: 'blog' }));
    await expect(registry.unregisterApp('blog')).rejects.toMatchObject({ code: 'KNEXUS_ERR_APP_NOT_FOUND' });
  });

  it('initialize() is idempotent and registerApp() initializes first', async () => {
    registry = createRegistry();
    const first = registry.initialize();
    expect(registry.initialize()).toBe(first);
    await expect(first).resolves.toMatchObject({ initialized: true, pluginCount: 0, failedPlugins: [] });

    const lazy = createRegistry();
    await lazy.registerApp('a', { database: memory() });
    expect(lazy.getStatus().initialized).toBe(true);
    await lazy.shutdown();
  });

  it.each([
    ['quote', "bl'og"],
    ['dot', 'a.b'],
    ['space', 'a b'],
    ['empty', ''],
    ['too long', 'x'.repeat(64)],
  ])('rejects an invalid app name (%s) before opening anything', async (_label, name) => {
    registry = createRegistry();
    const events: string[] = [];
    registry.on('connection-created', () => events.push('connection-created'));
    await expect(registry.registerApp(name, { database: memory() })).rejects.toMatchObject({ code: 'KNEXUS_ERR_INVALID_NAME' });
    expect(events).toEqual([]);
    expect(registry.getAllApps()).toEqual([]);
  });

  it('rejects invalid config naming the field', async () => {
    registry = createRegistry();
    const cases: [unknown, string, string][] = [
      [{}, 'KNEXUS_ERR_INVALID_CONFIG', 'database'],
      [{ database: { client: 'oracle', connection: {} } }, 'KNEXUS_ERR_UNKNOWN_CLIENT', 'database.client'],
      [{ database: { client: 'pg', connection: 42 } }, 'KNEXUS_ERR_INVALID_CONFIG', 'database.connection'],
      [{ database: memory(), migrations: { directory: [] } }, 'KNEXUS_ERR_INVALID_CONFIG', 'migrations.directory'],
      [{ database: memory(), migrations: { directory: './m', tableName: 'bad.table' } }, 'KNEXUS_ERR_INVALID_NAME', 'migrations.tableName'],
      [{ database: memory(), seeds: { directory: './s', drift: 'sometimes' } }, 'KNEXUS_ERR_INVALID_CONFIG', 'seeds.drift'],
      [{ database: memory(), schema: 'tenant_a' }, 'KNEXUS_ERR_INVALID_CONFIG', 'schema'],
      [{ database: memory(), migratons: { directory: './m' } }, 'KNEXUS_ERR_INVALID_CONFIG', 'migratons'],
      [
        { database: memory(), models: { definitions: { Post: { idColumn: 'id' } } } },
        'KNEXUS_ERR_INVALID_CONFIG',
        'models.definitions.Post',
      ],
    ];
    for (const [config, code, field] of cases) {
      const error = await registry.registerApp('app', config as never).catch((e: unknown) => e);
      expect(error, JSON.stringify(config)).toBeInstanceOf(KnexusError);
      expect(error).toMatchObject({ code, field, appName: 'app' });
    }
    expect(registry.hasApp('app')).toBe(false);
  });

  it('rejects unknown or invalid registry settings at construction', () => {
    expect(() => new AppRegistry({ registry: { shutdownTimout: 5 } as never })).toThrow(
      expect.objectContaining({ code: 'KNEXUS_ERR_INVALID_CONFIG', field: 'registry.shutdownTimout' }),
    );
    expect(() => new AppRegistry({ registry: { healthCheckInterval: -1 } })).toThrow(
      expect.objectContaining({ code: 'KNEXUS_ERR_INVALID_CONFIG', field: 'registry.healthCheckInterval' }),
    );
  });

  it('never mutates the caller’s config and ignores prototype-polluting keys', async () => {
    registry = createRegistry();
    const config = JSON.parse(
      '{"database":{"client":"better-sqlite3","connection":{"filename":":memory:","__proto__":{"polluted":true}}},"__proto__":{"polluted":true}}',
    );
    const before = JSON.stringify(config);
    await registry.registerApp('safe', config);
    expect(JSON.stringify(config)).toBe(before);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('emits typed lifecycle events without secrets', async () => {
    registry = createRegistry();
    const seen: string[] = [];
    registry.on('connection-created', (e) => seen.push(`connection-created:${e.appName}:${e.target.client}`));
    registry.on('app-registered', (e) => seen.push(`app-registered:${e.appName}`));
    registry.on('app-unregistered', (e) => seen.push(`app-unregistered:${e.appName}:${e.rollback === null}`));
    registry.on('connection-closed', (e) => seen.push(`connection-closed:${e.appName}:${e.forced}`));
    await registry.registerApp('events', { database: memory() });
    await registry.unregisterApp('events');
    expect(seen).toEqual([
      'connection-created:events:better-sqlite3',
      'app-registered:events',
      'connection-closed:events:false',
      'app-unregistered:events:true',
    ]);
  });

  it('a throwing event listener is reported as an error event, not thrown into registration', async () => {
    registry = createRegistry();
    const errors: unknown[] = [];
    registry.on('app-registered', () => {
      throw new Error('listener bug');
    });
    registry.on('error', (e) => errors.push(e));
    await expect(registry.registerApp('x', { database: memory() })).resolves.toBeInstanceOf(AppHandle);
    expect(errors).toEqual([expect.objectContaining({ component: 'AppRegistry', phase: 'event-listener' })]);
  });

  it('an error event with no listener never throws', async () => {
    registry = createRegistry();
    await expect(
      registry.registerApp('bad', { database: { client: 'better-sqlite3', connection: { filename: '/nonexistent/dir/x.sqlite' } } }),
    ).rejects.toMatchObject({
      code: 'KNEXUS_ERR_CONNECTION_FAILED',
      appName: 'bad',
    });
    expect(registry.hasApp('bad')).toBe(false);
  });
});
