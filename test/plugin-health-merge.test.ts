import { afterEach, describe, expect, it } from 'vitest';
import { AppRegistry, definePlugin } from '../src/index.js';

const memory = () => ({ client: 'better-sqlite3', connection: { filename: ':memory:' } }) as const;
const base = { version: '1.0.0', initialize() {}, shutdown() {}, getStatus: () => ({}) };

describe('onHealthCheck results', () => {
  let registry: AppRegistry;
  afterEach(async () => {
    await registry.shutdown();
  });

  it('are merged into each app report under the plugin name; failing, silent and slow plugins add nothing', async () => {
    registry = new AppRegistry({ pluginManager: { hookTimeout: 20 } });
    await registry.loadPlugin(
      definePlugin({
        ...base,
        name: 'latency',
        onHealthCheck: (appName, report) => ({ app: appName, status: report.status, p99: 3 }),
      }),
    );
    await registry.loadPlugin(definePlugin({ ...base, name: 'async-metrics', onHealthCheck: async () => ({ queries: 42 }) }));
    await registry.loadPlugin(definePlugin({ ...base, name: 'silent', onHealthCheck: () => undefined }));
    await registry.loadPlugin(
      definePlugin({
        ...base,
        name: 'broken',
        onHealthCheck: () => {
          throw new Error('no metrics today');
        },
      }),
    );
    await registry.loadPlugin(definePlugin({ ...base, name: 'slow', onHealthCheck: () => new Promise(() => {}) }));
    await registry.registerApp('a', { database: memory() });
    await registry.registerApp('b', { database: memory() });

    const health = await registry.healthCheck();
    expect(health.apps['a']?.status).toBe('healthy');
    expect(health.apps['a']?.plugins).toEqual({
      latency: { app: 'a', status: 'healthy', p99: 3 },
      'async-metrics': { queries: 42 },
    });
    expect(health.apps['b']?.plugins).toMatchObject({ latency: { app: 'b' } });
  });

  it('dispatch returns a Map of plugin name to result', async () => {
    registry = new AppRegistry();
    await registry.loadPlugin(definePlugin({ ...base, name: 'one', onHealthCheck: () => ({ n: 1 }) }));
    await registry.loadPlugin(definePlugin({ ...base, name: 'two', onHealthCheck: async () => ({ n: 2 }) }));
    const results = await registry.plugins.dispatch('onHealthCheck', 'x', {} as never);
    expect(results).toBeInstanceOf(Map);
    expect([...results]).toEqual([
      ['one', { n: 1 }],
      ['two', { n: 2 }],
    ]);
  });
});
