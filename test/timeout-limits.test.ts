import { afterEach, describe, expect, it } from 'vitest';
import { AppRegistry } from '../src/index.js';

// Node's setTimeout fires after 1 ms for any delay of 2^31 ms or more, so such a "long" timeout would
// kill queries, hammer health checks and roll transactions back at once: it must be refused up front.
const TOO_LONG = 2 ** 31;
const LONGEST = 2 ** 31 - 1;
const BAD = [TOO_LONG, Number.POSITIVE_INFINITY, Number.NaN, -1, 1e300];

const memory = { client: 'better-sqlite3', connection: { filename: ':memory:' } } as const;

describe('timeouts beyond what a Node timer can wait are a coded config error', () => {
  const registries: AppRegistry[] = [];
  afterEach(async () => {
    await Promise.all(registries.splice(0).map((r) => r.shutdown()));
  });

  describe.each(['shutdownTimeout', 'healthCheckInterval', 'healthCheckTimeout'] as const)('registry.%s', (key) => {
    it.each(BAD)('refuses %s', (value) => {
      expect(() => new AppRegistry({ registry: { [key]: value } })).toThrow(
        expect.objectContaining({ code: 'KNEXUS_ERR_INVALID_CONFIG', field: `registry.${key}` }),
      );
    });
    it('accepts 2^31 - 1', () => {
      const registry = new AppRegistry({ registry: { [key]: LONGEST } });
      registries.push(registry);
      expect(registry.getStatus().shuttingDown).toBe(false);
    });
  });

  describe.each(['loadTimeout', 'shutdownTimeout', 'hookTimeout'] as const)('pluginManager.%s', (key) => {
    it.each(BAD)('refuses %s', (value) => {
      expect(() => new AppRegistry({ pluginManager: { [key]: value } })).toThrow(
        expect.objectContaining({ code: 'KNEXUS_ERR_INVALID_CONFIG', field: `pluginManager.${key}` }),
      );
    });
  });

  it('pluginManager.loadTimeout leaves room for the doubled budget of config entries', () => {
    expect(() => new AppRegistry({ pluginManager: { loadTimeout: 2 ** 30 } })).toThrow(
      expect.objectContaining({ code: 'KNEXUS_ERR_INVALID_CONFIG', field: 'pluginManager.loadTimeout' }),
    );
    registries.push(new AppRegistry({ pluginManager: { loadTimeout: 2 ** 30 - 1, shutdownTimeout: LONGEST, hookTimeout: LONGEST } }));
  });

  it.each(BAD)('migrations.lockTimeout %s is refused before anything is opened', async (value) => {
    const registry = new AppRegistry();
    registries.push(registry);
    await expect(
      registry.registerApp('locky', { database: memory, migrations: { directory: '.', lockTimeout: value } }),
    ).rejects.toMatchObject({
      code: 'KNEXUS_ERR_INVALID_CONFIG',
      field: 'migrations.lockTimeout',
      appName: 'locky',
    });
    expect(registry.hasApp('locky')).toBe(false);
  });

  it.each(BAD)('withTransaction({ timeout: %s }) rejects without running the callback', async (value) => {
    const registry = new AppRegistry();
    registries.push(registry);
    const app = await registry.registerApp('trx', { database: memory });
    let ran = false;
    await expect(
      app.withTransaction(
        async () => {
          ran = true;
        },
        { timeout: value },
      ),
    ).rejects.toMatchObject({ code: 'KNEXUS_ERR_INVALID_CONFIG', field: 'timeout', appName: 'trx' });
    expect(ran).toBe(false);
  });

  it('withTransaction with the longest timeout a timer can wait commits normally', async () => {
    const registry = new AppRegistry();
    registries.push(registry);
    const app = await registry.registerApp('trx', { database: memory });
    const value = await app.withTransaction(
      async (trx) => {
        // A timer that fired at once (the 2^31 bug) would roll this back before the query returns.
        await trx.raw('select 1');
        return 'committed';
      },
      { timeout: LONGEST },
    );
    expect(value).toBe('committed');
  });
});
