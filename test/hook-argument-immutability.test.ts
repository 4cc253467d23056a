import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type AppRegistry, AppHandle, HOOK_NAMES, type Plugin } from '../src/index.js';
import { useRegistry } from './support/use-registry.js';

const migrations = { directory: fileURLToPath(new URL('./fixtures/plugins/migrations', import.meta.url)) };
const memory = () => ({ client: 'better-sqlite3', connection: { filename: ':memory:' } }) as const;

const isData = (value: unknown): value is object => {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null || Array.isArray(value);
};

/** Tries to change every plain value reachable from `value`; returns the paths where a change stuck. */
function vandalize(value: unknown, path: string, seen = new Set<unknown>()): string[] {
  if (value instanceof Error) {
    const before = { message: value.message, code: (value as { code?: unknown }).code };
    Reflect.set(value, 'message', 'evil');
    Reflect.set(value, 'code', 'evil');
    return value.message === before.message && (value as { code?: unknown }).code === before.code ? [] : [path];
  }
  if (value instanceof AppHandle) {
    const renamed = Reflect.set(value, 'name', 'evil') || Reflect.set(value, 'injected', 'evil') ? [`${path}.name`] : [];
    return [...renamed, ...vandalize(value.target, `${path}.target`, seen)];
  }
  // A Date cannot be frozen: a hook gets its own copy, so changing it must not show elsewhere (checked below).
  if (value instanceof Date) {
    value.setTime(0);
    return [];
  }
  if (!isData(value) || seen.has(value)) return [];
  seen.add(value);
  const changed: string[] = [];
  for (const key of Object.keys(value)) {
    const child = (value as Record<string, unknown>)[key];
    changed.push(...vandalize(child, `${path}.${key}`, seen));
    if (Reflect.set(value, key, 'evil')) changed.push(`${path}.${key}`);
  }
  if (Reflect.set(value, Array.isArray(value) ? value.length : 'injected', 'evil')) changed.push(`${path}+`);
  return changed;
}

/** A plugin that tries to change every argument of every hook it hears. */
function vandal(changed: string[]): Plugin {
  const plugin: Record<string, unknown> = {
    name: 'vandal',
    version: '1.0.0',
    initialize() {},
    shutdown() {},
    getStatus: () => ({}),
  };
  for (const hook of HOOK_NAMES) {
    plugin[hook] = (...args: unknown[]) => {
      // The last argument is the call's own context; everything before it is shared state.
      for (const [i, arg] of args.slice(0, -1).entries()) changed.push(...vandalize(arg, `${hook}[${i}]`));
      if (hook === 'onHealthCheck') return { verdict: 'fine' };
      return undefined;
    };
  }
  return plugin as unknown as Plugin;
}

describe('hook arguments are frozen copies or read-only views', () => {
  const createRegistry = useRegistry();
  let registry: AppRegistry;

  it('no hook can change status, event payloads or health reports', async () => {
    registry = createRegistry();
    const changed: string[] = [];
    await registry.loadPlugin(vandal(changed));
    const registered: unknown[] = [];
    const unregistered: unknown[] = [];
    registry.on('app-registered', (e) => registered.push(structuredClone({ ...e, durationMs: 0 })));
    registry.on('app-unregistered', (e) => unregistered.push(e));

    const app = await registry.registerApp('a', { database: memory(), migrations });
    await registry.registerApp('b', { database: memory() });
    expect(registry.getStatus().apps['a']?.target).toEqual({ client: 'better-sqlite3', filename: ':memory:' });
    expect(app.target).toEqual({ client: 'better-sqlite3', filename: ':memory:' });
    expect(registered[0]).toMatchObject({
      appName: 'a',
      target: { client: 'better-sqlite3', filename: ':memory:' },
      result: { migrations: { applied: ['001_items.mjs'] }, models: [] },
    });

    // A dead database stays unhealthy whatever onHealthCheck does to the report it is given.
    await registry.getApp('b').knex.destroy();
    const health = await registry.healthCheck();
    expect(health.apps['b']).toMatchObject({ status: 'unhealthy', plugins: { vandal: { verdict: 'fine' } } });
    expect(health.apps['a']).toMatchObject({ status: 'healthy' });
    expect(health.apps['a']!.checkedAt.getTime()).toBeGreaterThan(0);

    // A failure reaches onOperationFailed as a frozen copy: the error the caller catches is untouched.
    const failure = await registry
      .registerApp('c', { database: { client: 'better-sqlite3', connection: { filename: '/nonexistent-dir/x.sqlite' } } })
      .catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'KNEXUS_ERR_CONNECTION_FAILED', appName: 'c' });
    expect((failure as Error).message).not.toBe('evil');

    await registry.unregisterApp('a');
    expect(unregistered[0]).toMatchObject({ appName: 'a', rollback: { migrations: { rolledBack: ['001_items.mjs'] } } });
    expect(changed).toEqual([]);
  });

  it('loadPlugin gives the plugin its own copy of the config: the caller’s object never changes', async () => {
    registry = createRegistry();
    const seen: Record<string, unknown>[] = [];
    class Mutating {
      readonly name = 'mutating';
      readonly version = '1.0.0';
      constructor(config: Record<string, any>) {
        config['added'] = true;
        config['nested'].level = 99;
        config['list'].push('more');
      }
      initialize(_registry: unknown, config: Record<string, unknown>) {
        seen.push(config);
      }
      shutdown() {}
      getStatus() {
        return {};
      }
    }
    const config = { nested: { level: 1 }, list: ['one'] };
    await registry.loadPlugin(Mutating, config);
    expect(config).toEqual({ nested: { level: 1 }, list: ['one'] });
    // The plugin sees its own changes: constructor and initialize share one copy.
    expect(seen[0]).toEqual({ added: true, nested: { level: 99 }, list: ['one', 'more'] });
    // A reload starts again from the config as given, not from what the old version did to it.
    await registry.reloadPlugin('mutating');
    expect(seen[1]).toEqual({ added: true, nested: { level: 99 }, list: ['one', 'more'] });
    expect(config).toEqual({ nested: { level: 1 }, list: ['one'] });
  });
});
