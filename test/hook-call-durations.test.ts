import { afterEach, describe, expect, it } from 'vitest';
import { AppRegistry, definePlugin } from '../src/index.js';

const base = { version: '1.0.0', initialize() {}, shutdown() {}, getStatus: () => ({}) };
const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('hook call durations', () => {
  let registry: AppRegistry;
  afterEach(async () => {
    await registry.shutdown();
  });

  it('each async call is timed until it settles: calls that settle at once are not charged for slower ones', async () => {
    registry = new AppRegistry({ pluginManager: { hookTimeout: 1_000 } });
    await registry.loadPlugin(definePlugin({ ...base, name: 'quick', onHealthCheck: async () => ({ quick: true }) }));
    await registry.loadPlugin(
      definePlugin({
        ...base,
        name: 'later',
        async onHealthCheck() {
          await tick(10);
          return { later: true };
        },
      }),
    );
    await registry.loadPlugin(
      definePlugin({
        ...base,
        name: 'slow',
        async onHealthCheck() {
          await tick(30);
          return { slow: true };
        },
      }),
    );
    const results = await registry.plugins.dispatch('onHealthCheck', 'a', {} as never);
    expect(Object.fromEntries(results)).toEqual({ quick: { quick: true }, later: { later: true }, slow: { slow: true } });
    const timed = (name: string) => registry.plugins.getStatus().plugins[name]!.metrics.hooks.onHealthCheck!;
    expect(timed('later').totalMs).toBeGreaterThanOrEqual(9);
    expect(timed('slow').totalMs).toBeGreaterThanOrEqual(29);
    expect(timed('quick').totalMs).toBeLessThan(timed('later').totalMs);
    expect(timed('later').totalMs).toBeLessThan(timed('slow').totalMs);
    for (const name of ['quick', 'later', 'slow']) expect(timed(name)).toMatchObject({ calls: 1, errors: 0, timeouts: 0 });
  });
});
