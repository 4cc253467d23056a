import { describe, expect, it } from 'vitest';
import type { AppRegistry, RegistryHealth } from '../src/index.js';
import { useRegistry } from './support/use-registry.js';

const memory = () => ({ client: 'better-sqlite3', connection: { filename: ':memory:' } }) as const;

describe('health checks', () => {
  const createRegistry = useRegistry();
  let registry: AppRegistry;

  it('healthCheck() does a real round trip per pool and reports latency and pool usage', async () => {
    registry = createRegistry();
    await registry.registerApp('owner', { database: memory(), reusable: true });
    await registry.registerApp('guest', { useConnection: 'owner' });
    await registry.registerApp('solo', { database: memory() });
    const events: RegistryHealth[] = [];
    registry.on('health-check-completed', (e) => events.push(e));
    const health = await registry.healthCheck();
    expect(health.status).toBe('healthy');
    expect(Object.keys(health.apps).sort()).toEqual(['guest', 'owner', 'solo']);
    expect(health.apps['owner']).toMatchObject({ status: 'healthy', pool: { max: 1 } });
    expect(health.apps['owner']!.latencyMs).toBeGreaterThanOrEqual(0);
    expect(events).toEqual([health]);
    expect(registry.getStatus().health).toBe(health);
    expect(await registry.getApp('solo').healthCheck()).toMatchObject({ appName: 'solo', status: 'healthy' });
  });

  it('reports timeout when the round trip cannot complete in time', async () => {
    registry = createRegistry({ registry: { healthCheckTimeout: 30 } });
    const conn = await registry.registerApp('busy', { database: memory() });
    const failures: unknown[] = [];
    registry.on('error', (e) => failures.push(e));
    // The single SQLite connection is held by an open transaction, so `select 1` waits for it.
    let release!: () => void;
    const held = conn.knex.transaction(async () => {
      await new Promise<void>((resolve) => (release = resolve));
    });
    await new Promise((r) => setTimeout(r, 5));
    const health = await registry.healthCheck();
    expect(health.status).toBe('timeout');
    expect(health.apps['busy']).toMatchObject({ status: 'timeout', latencyMs: null });
    expect(failures).toEqual([expect.objectContaining({ component: 'AppRegistry', phase: 'health-check', appName: 'busy' })]);
    release();
    await held;
  });

  it('runs non-overlapping background cycles when healthCheckInterval > 0', async () => {
    registry = createRegistry({ registry: { healthCheckInterval: 10 } });
    await registry.registerApp('bg', { database: memory() });
    const cycles: RegistryHealth[] = [];
    await new Promise<void>((resolve) => {
      registry.on('health-check-completed', (e) => {
        cycles.push(e);
        if (cycles.length === 3) resolve();
      });
    });
    for (let i = 1; i < cycles.length; i++) {
      expect(cycles[i]!.checkedAt.getTime()).toBeGreaterThanOrEqual(cycles[i - 1]!.checkedAt.getTime() + cycles[i - 1]!.durationMs);
    }
    await registry.shutdown();
    const after = cycles.length;
    await new Promise((r) => setTimeout(r, 40));
    expect(cycles.length).toBe(after);
  });
});
