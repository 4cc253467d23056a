import { describe, expect, it } from 'vitest';
import { PluginInterface, definePlugin, type RegistryErrorEvent } from '../src/index.js';
import { useRegistry } from './support/use-registry.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const base = { version: '1.0.0', initialize() {}, shutdown() {}, getStatus: () => ({}) };

class PatientPlugin extends PluginInterface {
  static readonly hookTimeouts = { onHealthCheck: 5_000 };
  constructor() {
    super('patient', '1.0.0');
  }
  initialize() {}
  override async onHealthCheck() {
    await sleep(150);
    return { patient: true };
  }
}

describe("a plugin's own hookTimeouts", () => {
  const createRegistry = useRegistry();

  it('give its calls of that hook their own budget, while the other plugins keep hookTimeout', async () => {
    const registry = createRegistry({ pluginManager: { hookTimeout: 40 } });
    const errors: RegistryErrorEvent[] = [];
    registry.on('error', (event) => errors.push(event));
    await registry.loadPlugin(PatientPlugin);
    await registry.loadPlugin(definePlugin({ ...base, name: 'hasty', onHealthCheck: () => new Promise<void>(() => {}) }));
    const started = performance.now();
    const results = await registry.plugins.dispatch('onHealthCheck', 'app', {} as never);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    expect(results.get('patient')).toEqual({ patient: true });
    const hooks = (name: string) => registry.plugins.getStatus().plugins[name]!.metrics.hooks.onHealthCheck;
    expect(hooks('patient')).toMatchObject({ calls: 1, errors: 0, timeouts: 0 });
    expect(hooks('hasty')).toMatchObject({ calls: 1, timeouts: 1 });
    expect(errors.map((e) => [e.pluginName, (e.error as { timeoutMs?: number }).timeoutMs])).toEqual([['hasty', 40]]);
  });

  it('can also be shorter than hookTimeout', async () => {
    const registry = createRegistry({ pluginManager: { hookTimeout: 10_000 } });
    const errors: RegistryErrorEvent[] = [];
    registry.on('error', (event) => errors.push(event));
    await registry.loadPlugin(
      definePlugin({ ...base, name: 'strict', hookTimeouts: { onHealthCheck: 30 }, onHealthCheck: () => new Promise<void>(() => {}) }),
    );
    const started = performance.now();
    await registry.plugins.dispatch('onHealthCheck', 'app', {} as never);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(errors).toMatchObject([{ pluginName: 'strict', error: { code: 'KNEXUS_ERR_HOOK_TIMEOUT', timeoutMs: 30 } }]);
  });

  it.each([
    ['an unknown hook', { beforeRollback: 60_000 }, /beforeRollback.*not a hook/],
    ['a negative budget', { onHealthCheck: -1 }, /hookTimeouts.onHealthCheck/],
    ['a string', { onHealthCheck: '60s' }, /hookTimeouts.onHealthCheck/],
    ['a list', [60_000], /must be an object/],
  ])('refuse %s with KNEXUS_ERR_PLUGIN_INVALID before loading', async (_, hookTimeouts, message) => {
    const registry = createRegistry();
    const error = await registry.loadPlugin({ ...base, name: 'bad', hookTimeouts } as never).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'KNEXUS_ERR_PLUGIN_INVALID', message: expect.stringMatching(message) });
    expect(registry.getPlugin('bad')).toBeUndefined();
  });
});
