import { describe, expect, it } from 'vitest';
import type { RegistryErrorEvent, RegistryHealth } from '../src/index.js';
import { testPlugin } from './support/test-plugin.js';
import { useRegistry } from './support/use-registry.js';

const memory = () => ({ client: 'better-sqlite3', connection: { filename: ':memory:' } }) as const;

describe('registry.healthCheck() called again while a health check runs', () => {
  const createRegistry = useRegistry();

  it('from inside onHealthCheck: rejects with KNEXUS_ERR_HEALTH_REENTRANT instead of recursing; the outer check completes', async () => {
    const registry = createRegistry({ pluginManager: { hookTimeout: 0 } });
    const errors: RegistryErrorEvent[] = [];
    registry.on('error', (event) => errors.push(event));
    let calls = 0;
    const inner: unknown[] = [];
    await registry.loadPlugin(
      testPlugin({
        name: 'nested-checker',
        async onHealthCheck() {
          calls++;
          if (calls > 50) throw new Error('recursed');
          inner.push(await registry.healthCheck().catch((error: unknown) => error));
          return { nested: true };
        },
      }),
    );
    await registry.registerApp('probe', { database: memory() });
    const timer = setTimeout(() => {}, 0); // would starve under an unbounded microtask recursion
    const health = await registry.healthCheck();
    clearTimeout(timer);
    expect(calls).toBe(1);
    expect(inner).toHaveLength(1);
    expect(inner[0]).toMatchObject({ code: 'KNEXUS_ERR_HEALTH_REENTRANT', appName: 'probe' });
    expect(health.apps['probe']).toMatchObject({ status: 'healthy', plugins: { 'nested-checker': { nested: true } } });
    expect(errors).toEqual([]);
  });

  it('a fire-and-forget call from inside the hook does not crash the process, and later checks still run', async () => {
    const registry = createRegistry();
    let calls = 0;
    await registry.loadPlugin(
      testPlugin({
        name: 'forgetful',
        onHealthCheck() {
          calls++;
          void registry.healthCheck().catch(() => {});
        },
      }),
    );
    await registry.registerApp('probe', { database: memory() });
    await registry.healthCheck();
    await registry.healthCheck();
    expect(calls).toBe(2);
  });

  it('a call the hook schedules for later (after its cycle ended) runs a new cycle', async () => {
    const registry = createRegistry();
    let calls = 0;
    let later: Promise<RegistryHealth> | undefined;
    await registry.loadPlugin(
      testPlugin({
        name: 'scheduler',
        onHealthCheck() {
          calls++;
          if (calls === 1) setTimeout(() => (later = registry.healthCheck()), 30);
        },
      }),
    );
    await registry.registerApp('probe', { database: memory() });
    await registry.healthCheck();
    await expect.poll(() => later, { timeout: 2_000 }).toBeDefined();
    await expect(later).resolves.toMatchObject({ status: 'healthy' });
    expect(calls).toBe(2);
  });

  it('from outside, while one runs: the callers share the check in flight', async () => {
    const registry = createRegistry();
    let calls = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    await registry.loadPlugin(
      testPlugin({
        name: 'slow-checker',
        async onHealthCheck() {
          calls++;
          await gate;
        },
      }),
    );
    await registry.registerApp('probe', { database: memory() });
    const first = registry.healthCheck();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const second = registry.healthCheck();
    release();
    const [a, b]: RegistryHealth[] = await Promise.all([first, second]);
    expect(a).toBe(b);
    expect(calls).toBe(1);
    // Once it finished, the next call runs a new cycle.
    await registry.healthCheck();
    expect(calls).toBe(2);
  });
});
