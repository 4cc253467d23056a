import { describe, expect, it, vi } from 'vitest';
import type { AppRegistry, HookContext, RegistryErrorEvent } from '../src/index.js';
import { onTestClock } from './support/test-clock.js';
import { useRegistry } from './support/use-registry.js';
import { testPlugin } from './support/test-plugin.js';

const memory = () => ({ client: 'better-sqlite3', connection: { filename: ':memory:' } }) as const;

/** A plugin whose onHealthCheck hangs until its signal aborts, recording how long each app's call ran. */
function hangsUntilAborted(name: string, ranFor: Record<string, number>, priority = 0) {
  return testPlugin({
    name,
    priority,
    onHealthCheck(app, _report, { signal }) {
      const started = performance.now();
      return new Promise<void>((resolve) =>
        signal.addEventListener('abort', () => {
          ranFor[app] = performance.now() - started;
          resolve();
        }),
      );
    },
  });
}

describe('hook timeouts', () => {
  const createRegistry = useRegistry();
  let registry: AppRegistry;

  it('a hung hook times out after hookTimeout with its signal aborted; registration completes', async () => {
    registry = createRegistry({ pluginManager: { hookTimeout: 20 } });
    const errors: RegistryErrorEvent[] = [];
    registry.on('error', (event) => errors.push(event));
    let seen: AbortSignal | undefined;
    let abortedWith: unknown;
    await registry.loadPlugin(
      testPlugin({
        name: 'hung',
        onAppRegistrationStarted(_app, _config, context) {
          seen = context.signal;
          context.signal.addEventListener('abort', () => (abortedWith = context.signal.reason));
          return new Promise<void>(() => {});
        },
      }),
    );
    const started = performance.now();
    await registry.registerApp('a', { database: memory() });
    expect(performance.now() - started).toBeGreaterThanOrEqual(19);
    expect(seen?.aborted).toBe(true);
    expect(abortedWith).toMatchObject({ code: 'KNEXUS_ERR_HOOK_TIMEOUT', timeoutMs: 20, pluginName: 'hung' });
    const timeout = errors.find((e) => e.phase === 'hook');
    expect(timeout).toMatchObject({ component: 'PluginManager', hook: 'onAppRegistrationStarted', pluginName: 'hung', appName: 'a' });
    expect(timeout?.error).toMatchObject({ code: 'KNEXUS_ERR_HOOK_TIMEOUT' });
    expect(timeout?.error.message).toContain('Timeout (20ms)');
    expect(registry.plugins.getStatus().plugins['hung']?.metrics.hooks.onAppRegistrationStarted).toMatchObject({
      calls: 1,
      timeouts: 1,
      errors: 0,
    });
  });

  it('a result that arrives after the timeout is ignored, and a signal read after the timeout is already aborted', async () => {
    registry = createRegistry({ pluginManager: { hookTimeout: 10 } });
    let lateContext: HookContext | undefined;
    let finishLate = (): void => {};
    const lateDone = new Promise<void>((resolve) => (finishLate = resolve));
    await registry.loadPlugin(
      testPlugin({
        name: 'late',
        async onHealthCheck(_app, _report, context) {
          lateContext = context;
          await new Promise((resolve) => setTimeout(resolve, 40));
          finishLate();
          return { late: true };
        },
      }),
    );
    await registry.loadPlugin(testPlugin({ name: 'fast', onHealthCheck: () => ({ fast: true }) }));
    await registry.registerApp('a', { database: memory() });
    const results = await registry.plugins.dispatch('onHealthCheck', 'a', {} as never);
    expect(Object.fromEntries(results)).toEqual({ fast: { fast: true } });
    expect(lateContext?.signal.aborted).toBe(true);
    await lateDone;
    expect(Object.fromEntries(results)).toEqual({ fast: { fast: true } });
    expect(registry.plugins.getStatus().plugins['late']?.metrics.hooks.onHealthCheck).toMatchObject({ calls: 1, timeouts: 1 });
  });

  it('a cooperative hook that honors the signal stops early; fast plugins are not held up beyond the timeout', async () => {
    registry = createRegistry({ pluginManager: { hookTimeout: 15 } });
    let stopped = false;
    await registry.loadPlugin(
      testPlugin({
        name: 'cooperative',
        onAppRegistered(_a, _c, _cfg, { signal }) {
          return new Promise<void>((_resolve, reject) => {
            signal.addEventListener('abort', () => {
              stopped = true;
              reject(signal.reason);
            });
          });
        },
      }),
    );
    const started = performance.now();
    await registry.registerApp('a', { database: memory() });
    const elapsed = performance.now() - started;
    expect(stopped).toBe(true);
    expect(elapsed).toBeLessThan(200);
    // The rejection after the timeout is not counted twice.
    expect(registry.plugins.getStatus().plugins['cooperative']?.metrics.hooks.onAppRegistered).toMatchObject({ timeouts: 1, errors: 0 });
  });

  it('a timeout that starts a hanging onOperationFailed does not delay a later deadline', async () => {
    await onTestClock(async () => {
      registry = createRegistry({ pluginManager: { hookTimeout: 80 } });
      registry.on('error', () => {});
      const ranFor: Record<string, number> = {};
      await registry.loadPlugin(hangsUntilAborted('hung', ranFor));
      await registry.loadPlugin(testPlugin({ name: 'hung-reporter', onOperationFailed: () => new Promise<void>(() => {}) }));
      // a's call times out at 80 ms and starts an onOperationFailed batch due at 160 ms; b's is due at 90 ms.
      const a = registry.plugins.dispatch('onHealthCheck', 'a', {} as never);
      await vi.advanceTimersByTimeAsync(10);
      const b = registry.plugins.dispatch('onHealthCheck', 'b', {} as never);
      // To 119 ms: past b's deadline, short of the batch's; a b held back to the batch's deadline has not ended yet.
      await vi.advanceTimersByTimeAsync(109);
      expect(ranFor['a']).toBeGreaterThanOrEqual(79);
      expect(ranFor['b']).toBeGreaterThanOrEqual(79);
      expect(ranFor['b']).toBeLessThan(120);
      // Each dispatch also waits for the onOperationFailed batch its timeout started (due at 160 and 170 ms).
      await vi.advanceTimersByTimeAsync(60);
      await Promise.all([a, b]);
    });
  });

  it('a synchronous throw whose onOperationFailed hangs does not push back the timeout of its own dispatch', async () => {
    await onTestClock(async () => {
      registry = createRegistry({ pluginManager: { hookTimeout: 40 } });
      registry.on('error', () => {});
      const ranFor: Record<string, number> = {};
      await registry.loadPlugin(hangsUntilAborted('hung', ranFor, 0));
      await registry.loadPlugin(
        testPlugin({
          name: 'slow-thrower',
          priority: 1,
          onHealthCheck() {
            // 35 ms of synchronous work, then a throw: its onOperationFailed batch starts (and is due) 35 ms after this dispatch's.
            vi.advanceTimersByTime(35);
            throw new Error('broken');
          },
        }),
      );
      await registry.loadPlugin(testPlugin({ name: 'hung-reporter', onOperationFailed: () => new Promise<void>(() => {}) }));
      const started = performance.now();
      let finished = Number.NaN;
      const dispatched = registry.plugins.dispatch('onHealthCheck', 'a', {} as never).then(() => (finished = performance.now()));
      await vi.advanceTimersByTimeAsync(200);
      await dispatched;
      expect(ranFor['a']).toBeGreaterThanOrEqual(39);
      expect(ranFor['a']).toBeLessThan(65);
      // The dispatch also waits for the onOperationFailed batch, which times out 40 ms after it started.
      expect(finished - started).toBeGreaterThanOrEqual(74);
      expect(finished - started).toBeLessThan(150);
    });
  });

  it('shutdown aborts the signals of hook calls still running', async () => {
    registry = createRegistry({ pluginManager: { hookTimeout: 10_000 } });
    let signal: AbortSignal | undefined;
    let entered = (): void => {};
    const inHook = new Promise<void>((resolve) => (entered = resolve));
    await registry.loadPlugin(
      testPlugin({
        name: 'waiting',
        onHealthCheck(_a, _r, context) {
          signal = context.signal;
          entered();
          return new Promise<void>(() => {});
        },
      }),
    );
    const dispatching = registry.plugins.dispatch('onHealthCheck', 'x', {} as never);
    await inHook;
    expect(signal?.aborted).toBe(false);
    await registry.plugins.shutdown();
    expect(signal?.aborted).toBe(true);
    expect(signal?.reason).toMatchObject({ code: 'KNEXUS_ERR_SHUTTING_DOWN' });
    // The dispatch that was waiting on the hung call settles instead of hanging with it.
    await expect(dispatching).resolves.toEqual(new Map());
  });
});
