import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AppRegistry, type DatabaseConfig } from '../src/index.js';
import { useDatabase } from './support/use-database.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
// Nothing listens on port 1: a check that ran after connecting would report KNEXUS_ERR_CONNECTION_FAILED.
const nowhere = { client: 'pg', connection: { host: '127.0.0.1', port: 1, user: 'nobody', database: 'none' } } as const;

describe('bad settings are coded errors found before any connection opens', () => {
  let dir: string;
  let registry: AppRegistry;
  let connections: string[];
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'knexus-preflight-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(async () => {
    await registry?.shutdown();
  });
  const fresh = () => {
    registry = new AppRegistry({ baseDir: dir });
    connections = [];
    registry.on('connection-created', (e) => connections.push(e.appName));
    return registry;
  };

  const poolCases: { name: string; database: Record<string, unknown>; field: string }[] = [
    { name: 'pool.min -1', database: { ...nowhere, pool: { min: -1 } }, field: 'database.pool.min' },
    { name: 'pool.min above pool.max', database: { ...nowhere, pool: { min: 5, max: 1 } }, field: 'database.pool.min' },
    { name: 'a misspelled pool key', database: { ...nowhere, pool: { maxx: 3 } }, field: 'database.pool.maxx' },
    { name: 'pool.max 0', database: { ...nowhere, pool: { max: 0 } }, field: 'database.pool.max' },
    { name: 'pool.max 1.5', database: { ...nowhere, pool: { max: 1.5 } }, field: 'database.pool.max' },
    {
      name: 'a pool timeout of 2^31 ms',
      database: { ...nowhere, pool: { idleTimeoutMillis: 2 ** 31 } },
      field: 'database.pool.idleTimeoutMillis',
    },
    {
      name: 'pool.afterCreate that is not a function',
      database: { ...nowhere, pool: { afterCreate: 'yes' } },
      field: 'database.pool.afterCreate',
    },
    {
      name: 'a fractional pool timeout (the pool takes whole ms)',
      database: { ...nowhere, pool: { acquireTimeoutMillis: 1.5 } },
      field: 'database.pool.acquireTimeoutMillis',
    },
    {
      name: 'acquireConnectionTimeout 1.5',
      database: { ...nowhere, acquireConnectionTimeout: 1.5 },
      field: 'database.acquireConnectionTimeout',
    },
    {
      name: "acquireConnectionTimeout 'abc'",
      database: { ...nowhere, acquireConnectionTimeout: 'abc' },
      field: 'database.acquireConnectionTimeout',
    },
    { name: "useNullAsDefault 'x'", database: { ...nowhere, useNullAsDefault: 'x' }, field: 'database.useNullAsDefault' },
    // Found by the property test: knex gives SQLite a pool of one, so min 2 alone was a raw Tarn error.
    {
      name: 'pool.min 2 on SQLite (one connection)',
      database: { client: 'better-sqlite3', connection: { filename: ':memory:' }, pool: { min: 2 } },
      field: 'database.pool.min',
    },
  ];
  it.each(poolCases)('$name', async ({ database, field }) => {
    await expect(fresh().registerApp('pooled', { database: database as unknown as DatabaseConfig })).rejects.toMatchObject({
      code: 'KNEXUS_ERR_INVALID_CONFIG',
      appName: 'pooled',
      field,
    });
    expect(connections).toEqual([]);
  });

  it("a schema PostgreSQL reserves (pg_…) is a bad name, not 'could not connect'", async () => {
    await expect(fresh().registerApp('tenant', { database: nowhere, schema: 'pg_tenant' })).rejects.toMatchObject({
      code: 'KNEXUS_ERR_INVALID_NAME',
      appName: 'tenant',
      field: 'schema',
    });
  });

  it.each([
    [{ pluginManager: { enableMetrics: 'no' } }, 'pluginManager.enableMetrics'],
    [{ pluginManager: { baseDir: 5 } }, 'pluginManager.baseDir'],
    [{ pluginManager: { maxErrors: null } }, 'pluginManager.maxErrors'],
    [{ baseDir: 5 }, 'baseDir'],
    [{ baseDir: '' }, 'baseDir'],
    [{ registyr: {} }, 'registyr'],
    [{ plugins: 'audit' }, 'plugins'],
  ])('new AppRegistry(%j) names %s', (options, field) => {
    expect(() => new AppRegistry(options as never)).toThrow(expect.objectContaining({ code: 'KNEXUS_ERR_INVALID_CONFIG', field }));
  });

  it('a missing migrations directory is reported before the SQLite file is created', async () => {
    const filename = join(dir, 'missing-dir.sqlite');
    await expect(
      fresh().registerApp('nodir', {
        database: { client: 'better-sqlite3', connection: { filename } },
        migrations: { directory: './nope' },
      }),
    ).rejects.toMatchObject({ code: 'KNEXUS_ERR_INVALID_CONFIG', appName: 'nodir', field: 'migrations.directory' });
    expect(existsSync(filename)).toBe(false);
    expect(connections).toEqual([]);
  });

  it('two files of the same name in the seed folders are reported before the connection opens', async () => {
    const filename = join(dir, 'dupes.sqlite');
    await expect(
      fresh().registerApp('dupes', {
        database: { client: 'better-sqlite3', connection: { filename } },
        seeds: { directory: [fixture('migrations-formats'), fixture('migrations-duplicate')] },
      }),
    ).rejects.toMatchObject({ code: 'KNEXUS_ERR_INVALID_CONFIG', appName: 'dupes', file: '001_plain.js' });
    expect(existsSync(filename)).toBe(false);
  });

  it('pool: { max: 1 } alone works (min follows max instead of a raw pool error)', async () => {
    const app = await fresh().registerApp('single', {
      database: { client: 'better-sqlite3', connection: { filename: ':memory:' }, pool: { max: 1 } },
    });
    expect(await app.knex.raw('select 1 as one')).toEqual([{ one: 1 }]);
  });
});

describe('a pool exhausted during a shared registration', () => {
  const db = useDatabase('sqlite');

  it('is KNEXUS_ERR_POOL_EXHAUSTED naming the app and the pool owner', async () => {
    const registry = new AppRegistry();
    try {
      const owner = await registry.registerApp('owner', {
        database: db!.config({ acquireConnectionTimeout: 30 } as never),
        reusable: true,
      });
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      // The one SQLite connection stays busy in this transaction while the guest registers.
      const busy = owner.knex.transaction(() => held);
      const error = await registry
        .registerApp('guest', { useConnection: 'owner', migrations: { directory: fixture('migrations-basic') } })
        .catch((thrown: unknown) => thrown);
      release();
      await busy;
      expect(error).toMatchObject({ code: 'KNEXUS_ERR_POOL_EXHAUSTED', appName: 'guest', details: { owner: 'owner', max: 1 } });
      expect(registry.hasApp('guest')).toBe(false);
      expect(registry.hasApp('owner')).toBe(true);
    } finally {
      await registry.shutdown();
    }
  });
});
