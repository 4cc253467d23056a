import { describe, expect, it } from 'vitest';
import { type AppRegistry, KnexusError, type RegistryErrorEvent } from '../src/index.js';
import { tracer, type TraceEntry } from './fixtures/plugins/tracer.js';
import { useRegistry } from './support/use-registry.js';
import { testPlugin } from './support/test-plugin.js';

const memory = () => ({ client: 'better-sqlite3', connection: { filename: ':memory:' } }) as const;

describe('hook isolation', () => {
  const createRegistry = useRegistry();
  let registry: AppRegistry;

  it('a synchronous throw, a rejection and a non-Error throw are reported; the other plugins and the registration carry on', async () => {
    registry = createRegistry();
    const trace: TraceEntry[] = [];
    const errors: RegistryErrorEvent[] = [];
    registry.on('error', (event) => errors.push(event));
    await registry.loadPlugin(
      testPlugin({
        name: 'sync-thrower',
        onAppRegistered() {
          throw new Error('sync boom');
        },
      }),
    );
    await registry.loadPlugin(
      testPlugin({
        name: 'rejecter',
        async onAppRegistered() {
          throw new Error('async boom');
        },
      }),
    );
    await registry.loadPlugin(
      testPlugin({
        name: 'string-thrower',
        onAppRegistered() {
          throw 'just a string';
        },
      }),
    );
    await registry.loadPlugin(
      testPlugin({
        name: 'bad-thenable',
        onAppRegistered() {
          // A foreign thenable whose then() itself throws.
          return {
            // biome-ignore lint/suspicious/noThenProperty: the test needs a thenable that is not a promise
            then: () => {
              throw new Error('thenable boom');
            },
          } as unknown as Promise<void>;
        },
      }),
    );
    await registry.loadPlugin(tracer('survivor', trace));

    await expect(registry.registerApp('a', { database: memory() })).resolves.toBeDefined();
    expect(registry.hasApp('a')).toBe(true);
    expect(trace.map((t) => t.hook)).toContain('onAppRegistered');

    const hookErrors = errors.filter((e) => e.phase === 'hook');
    expect(hookErrors.map((e) => e.pluginName).sort()).toEqual(['bad-thenable', 'rejecter', 'string-thrower', 'sync-thrower']);
    for (const event of hookErrors) {
      expect(event).toMatchObject({ component: 'PluginManager', phase: 'hook', hook: 'onAppRegistered', appName: 'a' });
      expect(event.error).toBeInstanceOf(KnexusError);
      expect(event.error).toMatchObject({ code: 'KNEXUS_ERR_PLUGIN_HOOK_FAILED', pluginName: event.pluginName, hook: 'onAppRegistered' });
    }
    expect(hookErrors.find((e) => e.pluginName === 'string-thrower')?.error.message).toContain('just a string');

    // Every plugin hook failure is also reported through onOperationFailed('plugin-hook').
    const failures = trace.filter((t) => t.hook === 'onOperationFailed');
    expect(failures.map((t) => (t.args[3] as { pluginName: string }).pluginName).sort()).toEqual([
      'bad-thenable',
      'rejecter',
      'string-thrower',
      'sync-thrower',
    ]);
    for (const failure of failures) {
      expect(failure.args[0]).toBe('a');
      expect(failure.args[1]).toBe('plugin-hook');
      expect(failure.args[3]).toMatchObject({ hook: 'onAppRegistered' });
    }

    const metrics = registry.plugins.getStatus().plugins['sync-thrower']?.metrics;
    expect(metrics?.hooks.onAppRegistered).toMatchObject({ calls: 1, errors: 1, timeouts: 0 });
    expect(metrics?.lastError).toContain('sync boom');
  });

  it('a failing onOperationFailed is reported but never dispatched again', async () => {
    registry = createRegistry();
    const errors: RegistryErrorEvent[] = [];
    registry.on('error', (event) => errors.push(event));
    let calls = 0;
    await registry.loadPlugin(
      testPlugin({
        name: 'fragile',
        onAppRegistered() {
          throw new Error('first');
        },
        onOperationFailed() {
          calls++;
          throw new Error('second');
        },
      }),
    );
    await registry.registerApp('a', { database: memory() });
    expect(calls).toBe(1);
    expect(errors.filter((e) => e.phase === 'hook').map((e) => e.hook)).toEqual(['onAppRegistered', 'onOperationFailed']);
  });

  it('dispatch never rejects, even when every plugin fails, and skips plugins that do not implement the hook', async () => {
    registry = createRegistry();
    await registry.loadPlugin(testPlugin({ name: 'quiet' }));
    expect(registry.plugins.handles('onAppRegistered')).toBe(false);
    await registry.loadPlugin(
      testPlugin({
        name: 'loud',
        onAppRegistered: () => Promise.reject(new Error('x')),
      }),
    );
    expect(registry.plugins.handles('onAppRegistered')).toBe(true);
    const results = await registry.plugins.dispatch('onAppRegistered', 'ghost', {} as never, {} as never);
    expect(results.size).toBe(0);
    expect(registry.plugins.getStatus().plugins['quiet']?.metrics.calls).toBe(0);
  });
});
