import { describe, expect, it } from 'vitest';
import type { AppRegistry } from '../src/index.js';
import { useRegistry } from './support/use-registry.js';
import { testPlugin } from './support/test-plugin.js';

const memory = () => ({ client: 'better-sqlite3', connection: { filename: ':memory:' } }) as const;

describe('onHealthCheck results', () => {
  const createRegistry = useRegistry();
  let registry: AppRegistry;

  it('are merged into each app report under the plugin name; failing, silent and slow plugins add nothing', async () => {
    registry = createRegistry({ pluginManager: { hookTimeout: 20 } });
    await registry.loadPlugin(
      testPlugin({
        name: 'latency',
        onHealthCheck: (appName, report) => ({ app: appName, status: report.status, p99: 3 }),
      }),
    );
    await registry.loadPlugin(testPlugin({ name: 'async-metrics', onHealthCheck: async () => ({ queries: 42 }) }));
    await registry.loadPlugin(testPlugin({ name: 'silent', onHealthCheck: () => undefined }));
    await registry.loadPlugin(
      testPlugin({
        name: 'broken',
        onHealthCheck: () => {
          throw new Error('no metrics today');
        },
      }),
    );
    await registry.loadPlugin(testPlugin({ name: 'slow', onHealthCheck: () => new Promise(() => {}) }));
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
    registry = createRegistry();
    await registry.loadPlugin(testPlugin({ name: 'one', onHealthCheck: () => ({ n: 1 }) }));
    await registry.loadPlugin(testPlugin({ name: 'two', onHealthCheck: async () => ({ n: 2 }) }));
    const results = await registry.plugins.dispatch('onHealthCheck', 'x', {} as never);
    expect(results).toBeInstanceOf(Map);
    expect([...results]).toEqual([
      ['one', { n: 1 }],
      ['two', { n: 2 }],
    ]);
  });
});
