import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AppRegistry, PluginInterface, type AppRegistry as Registry, type RegistryErrorEvent } from '../src/index.js';

const pluginSource = (version: string, greeting: string): string => `
globalThis.__knexusReloadLog ??= [];
export default class Greeter {
  constructor() { this.name = 'greeter'; this.version = '${version}'; }
  async initialize(registry) {
    registry.exportService(this, 'greeting', () => '${greeting}');
    registry.on('ping', () => globalThis.__knexusReloadLog.push('ping:${version}'));
    this.previous = await this.storage.get('counter');
    await this.storage.set('counter', (this.previous ?? 0) + 1);
  }
  shutdown() { globalThis.__knexusReloadLog.push('shutdown:${version}'); }
  getStatus() { return { version: this.version }; }
  onHealthCheck() { return { version: this.version }; }
}
`;
const log = (): string[] => ((globalThis as Record<string, unknown>)['__knexusReloadLog'] ??= []) as string[];

class Counter extends PluginInterface {
  static instances = 0;
  readonly instance = ++Counter.instances;
  constructor() {
    super('counter', '1.0.0');
  }
  initialize(registry: Registry): void {
    registry.exportService(this, 'count', () => this.instance);
  }
  override shutdown(): void {
    log().push(`shutdown:counter#${this.instance}`);
  }
  override getStatus(): object {
    return {};
  }
}

describe('hot reload', () => {
  let registry: AppRegistry;
  let dir: string | undefined;
  afterEach(async () => {
    await registry.shutdown();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
    log().length = 0;
  });

  it('re-imports the changed module, swaps it in, shuts the old one down; storage and listeners follow', async () => {
    dir = mkdtempSync(join(tmpdir(), 'knexus-reload-'));
    writeFileSync(join(dir, 'greeter.mjs'), pluginSource('1.0.0', 'hello'));
    registry = new AppRegistry({ baseDir: dir, plugins: { greeter: { module: './greeter.mjs' } } });
    await registry.initialize();
    expect(registry.importService<() => string>('greeter', 'greeting')()).toBe('hello');
    const reloaded: unknown[] = [];
    registry.on('plugin-reloaded', (event) => reloaded.push(event));

    writeFileSync(join(dir, 'greeter.mjs'), pluginSource('2.0.0', 'bonjour'));
    const next = await registry.reloadPlugin('greeter');
    expect(next.version).toBe('2.0.0');
    expect(registry.getPlugin('greeter')).toBe(next);
    expect(registry.importService<() => string>('greeter', 'greeting')()).toBe('bonjour');
    expect((next as unknown as { previous: number }).previous).toBe(1);
    registry.emit('ping');
    expect(log()).toEqual(['shutdown:1.0.0', 'ping:2.0.0']);
    const results = await registry.plugins.dispatch('onHealthCheck', 'x', {} as never);
    expect(results.get('greeter')).toEqual({ version: '2.0.0' });
    expect(reloaded).toEqual([{ name: 'greeter', previousVersion: '1.0.0', version: '2.0.0', loadTimeMs: expect.any(Number) }]);
  });

  it('reloads a class-loaded plugin with a fresh instance, or with a new class', async () => {
    registry = new AppRegistry();
    const first = await registry.loadPlugin(Counter);
    const second = await registry.reloadPlugin('counter');
    expect(second).not.toBe(first);
    expect(registry.importService<() => number>('x', 'count')()).toBe((second as Counter).instance);
    expect(log()).toEqual([`shutdown:counter#${(first as Counter).instance}`]);

    class CounterV2 extends Counter {
      override readonly version = '2.0.0';
    }
    await expect(registry.reloadPlugin('counter', CounterV2)).resolves.toMatchObject({ version: '2.0.0' });
    await expect(registry.reloadPlugin('nobody')).rejects.toMatchObject({ code: 'KNEXUS_ERR_PLUGIN_NOT_FOUND' });
  });

  it('rolls back when the new version fails: the old one stays active with its services, and the error is reported', async () => {
    registry = new AppRegistry();
    const errors: RegistryErrorEvent[] = [];
    registry.on('error', (event) => errors.push(event));
    const old = await registry.loadPlugin(Counter);
    const before = registry.importService<() => number>('x', 'count')();
    const heard: string[] = [];

    class Broken extends Counter {
      override initialize(appRegistry: Registry): void {
        appRegistry.exportService(this, 'count', () => -1);
        appRegistry.on('ping', () => heard.push('broken'));
        throw new Error('v2 cannot start');
      }
    }
    await expect(registry.reloadPlugin('counter', Broken)).rejects.toMatchObject({
      code: 'KNEXUS_ERR_PLUGIN_INIT_FAILED',
      pluginName: 'counter',
    });
    expect(registry.getPlugin('counter')).toBe(old);
    expect(registry.importService<() => number>('x', 'count')()).toBe(before);
    registry.emit('ping');
    expect(heard).toEqual([]);
    expect(log()).toEqual([]);
    expect(errors).toEqual([expect.objectContaining({ component: 'PluginManager', phase: 'reload', pluginName: 'counter' })]);

    class Renamed extends Counter {
      override readonly name = 'other';
    }
    await expect(registry.reloadPlugin('counter', Renamed)).rejects.toMatchObject({ code: 'KNEXUS_ERR_PLUGIN_INVALID' });
    expect(registry.getPlugin('counter')).toBe(old);
  });

  it('an unload while the new version initializes wins: the new one is shut down, and the reload fails with not-found', async () => {
    registry = new AppRegistry();
    const events: string[] = [];
    let started = (): void => {};
    const initializing = new Promise<void>((resolve) => (started = resolve));
    let open = (): void => {};
    const gate = new Promise<void>((resolve) => (open = resolve));
    class Versioned extends PluginInterface {
      constructor(config: { version?: string } = {}) {
        super('versioned', config.version ?? '1.0.0');
      }
      async initialize(appRegistry: Registry): Promise<void> {
        appRegistry.exportService(this, 'version', () => this.version);
        if (this.version === '2.0.0') {
          started();
          await gate;
        }
        events.push(`init ${this.version}`);
      }
      override shutdown(): void {
        events.push(`shutdown ${this.version}`);
      }
      override getStatus(): object {
        return {};
      }
    }
    await registry.loadPlugin(Versioned, { version: '1.0.0' });
    const reloading = registry.reloadPlugin('versioned', Versioned, { version: '2.0.0' });
    await initializing;
    await expect(registry.unloadPlugin('versioned')).resolves.toBe(true);
    open();
    await expect(reloading).rejects.toMatchObject({ code: 'KNEXUS_ERR_PLUGIN_NOT_FOUND', pluginName: 'versioned' });
    expect(events).toEqual(['init 1.0.0', 'shutdown 1.0.0', 'init 2.0.0', 'shutdown 2.0.0']);
    expect(registry.plugins.has('versioned')).toBe(false);
    expect(registry.plugins.getStatus().services).toEqual({});
    await registry.shutdown();
    // Neither version is shut down twice.
    expect(events).toEqual(['init 1.0.0', 'shutdown 1.0.0', 'init 2.0.0', 'shutdown 2.0.0']);
  });
});
