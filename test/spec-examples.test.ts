// The plugin classes of the spec (test/fixtures/spec-examples, verbatim but for the import) load and run.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AppRegistry, type PluginClass } from '../src/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const examples = join(here, 'fixtures', 'spec-examples');
const failingMigrations = join(here, 'fixtures', 'migrations-failing');
const memory = () => ({ client: 'better-sqlite3', connection: { filename: ':memory:' } }) as const;

/** A class exported by one of the spec fixtures (plain JavaScript, so typed loosely here). */
async function specClass(file: string, name: string): Promise<PluginClass> {
  const namespace = (await import(pathToFileURL(join(examples, file)).href)) as Record<string, PluginClass>;
  return namespace[name]!;
}

describe("the spec's example plugins", () => {
  let registry: AppRegistry;
  let dir: string;
  const intervals: ReturnType<typeof setInterval>[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'knexus-spec-'));
    // The spec's MonitoringPlugin starts an interval it never clears; keep its handle to clear it after the test.
    const original = globalThis.setInterval;
    vi.spyOn(globalThis, 'setInterval').mockImplementation(((fn: () => void, ms?: number) => {
      const handle = original(fn, ms);
      intervals.push(handle);
      return handle;
    }) as typeof setInterval);
    vi.spyOn(console, 'log').mockImplementation(() => {});
  });
  afterEach(async () => {
    await registry.shutdown();
    for (const handle of intervals.splice(0)) clearInterval(handle);
    vi.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });

  it('Basic Usage: BackupPlugin and MonitoringPlugin load from config and hear every step', async () => {
    registry = new AppRegistry({
      baseDir: examples,
      registry: { shutdownTimeout: 30000 },
      plugins: {
        'backup-plugin': {
          enabled: true,
          module: './backup-plugin.mjs',
          config: { directory: join(dir, 'backups'), compression: true, schedule: '0 2 * * *' },
        },
        'monitoring-plugin': {
          enabled: true,
          module: './monitoring-plugin.mjs',
          config: { endpoint: 'http://prometheus:9090', interval: 10, errorThreshold: 0 },
        },
      },
    });
    const result = await registry.initialize();
    expect(result.pluginCount).toBe(2);
    expect(result).toMatchObject({ loadedPlugins: ['backup-plugin', 'monitoring-plugin'], failedPlugins: [] });
    expect(statSync(join(dir, 'backups')).isDirectory()).toBe(true);

    await registry.registerApp('shop', { database: memory() });
    await expect(
      registry.registerApp('broken', { database: memory(), migrations: { directory: failingMigrations } }),
    ).rejects.toMatchObject({ code: 'KNEXUS_ERR_MIGRATION_FAILED' });

    type Backup = { prepared: { appName: string; database: unknown }[]; emergencies: { appName: string; operation: string }[] };
    const backup = registry.getPlugin('backup-plugin') as unknown as Backup;
    expect(backup.prepared.map((p) => p.appName)).toEqual(['shop', 'broken']);
    expect(backup.prepared[0]?.database).toEqual({ client: 'better-sqlite3', filename: ':memory:' });
    expect(backup.emergencies).toContainEqual(expect.objectContaining({ appName: 'broken', operation: 'migrations' }));

    // The base class's getStatus(): name, version, state, flags and its hook counters.
    expect(registry.plugins.getStatus().plugins['backup-plugin']?.details).toMatchObject({
      name: 'backup-plugin',
      version: '1.0.0',
      state: 'active',
      enabled: true,
      initialized: true,
      hooks: { onAppRegistrationStarted: { calls: 2, errors: 0 }, onAppRegistered: { calls: 1 } },
    });

    // MonitoringPlugin's timer reads getAllApps()[i].connection; its health hook merges metrics.
    type Monitoring = { metrics: Map<string, unknown>; alerts: { message: string }[] };
    const monitoring = registry.getPlugin('monitoring-plugin') as unknown as Monitoring;
    await vi.waitFor(() => expect(monitoring.metrics.get('shop')).toMatchObject({ connections: 0, queries: 0 }), { timeout: 2000 });
    expect(monitoring.alerts).toContainEqual({ message: 'High error rate detected for broken', operation: 'migrations' });
    const health = await registry.healthCheck();
    expect(health.apps['shop']?.plugins?.['monitoring-plugin']).toEqual({ queryLatency: 0, connectionPoolUsage: 0, errorRate: 0 });
    expect(monitoring.metrics.get('shop-health')).toMatchObject({ status: 'healthy', errorRate: 0 });
  });

  it("BackupPlugin's validateConfiguration refuses a config without directory (a failed manual load emits error)", async () => {
    registry = new AppRegistry();
    const errors: unknown[] = [];
    registry.on('error', (event) => void errors.push(event));
    const BackupPlugin = await specClass('backup-plugin.mjs', 'BackupPlugin');
    await expect(registry.loadPlugin(BackupPlugin, {})).rejects.toMatchObject({
      code: 'KNEXUS_ERR_PLUGIN_CONFIG_INVALID',
      pluginName: 'backup-plugin',
    });
    expect(errors).toEqual([
      {
        component: 'PluginManager',
        phase: 'load',
        pluginName: 'backup-plugin',
        error: expect.objectContaining({ code: 'KNEXUS_ERR_PLUGIN_CONFIG_INVALID' }),
      },
    ]);
    expect(registry.getPlugin('backup-plugin')).toBeUndefined();
  });

  it('CachePlugin wraps each new connection: the second identical raw query comes from its cache', async () => {
    registry = new AppRegistry();
    const CachePlugin = await specClass('cache-plugin.mjs', 'CachePlugin');
    const plugin = (await registry.loadPlugin(CachePlugin, { ttl: 60000 })) as unknown as { cache: Map<string, unknown>; cleanups: number };
    expect(plugin.cleanups).toBe(1);
    const app = await registry.registerApp('catalog', { database: memory() });
    const first = await app.knex.raw('select 1 as one');
    const second = await app.knex.raw('select 1 as one');
    expect(second).toBe(first);
    expect(plugin.cache.size).toBe(1);
  });

  it('PluginA and PluginB talk through registry events (no constructor: named after their class)', async () => {
    registry = new AppRegistry();
    const PluginA = await specClass('plugin-communication.mjs', 'PluginA');
    const PluginB = await specClass('plugin-communication.mjs', 'PluginB');
    await registry.loadPlugin(PluginB, {});
    await registry.loadPlugin(PluginA, {});
    expect(console.log).toHaveBeenCalledWith('Plugin A is ready:', 'hello');
    expect(registry.getAllPlugins().map((p) => [p.name, p.version])).toEqual([
      ['PluginB', '0.0.0'],
      ['PluginA', '0.0.0'],
    ]);
    expect(registry.getPlugin('PluginA')?.getStatus()).toMatchObject({ name: 'PluginA', state: 'active', hooks: {} });
  });

  it('Manual Plugin Loading and the API reference: load, get, getAll, status counts, unload', async () => {
    registry = new AppRegistry();
    const loaded: string[] = [];
    registry.on('plugin-loaded', (event) => void loaded.push(event.name));
    const MyCustomPlugin = await specClass('my-custom-plugin.mjs', 'MyCustomPlugin');
    const plugin = (await registry.loadPlugin(MyCustomPlugin, { setting1: 'value1', setting2: 'value2' })) as unknown as {
      name: string;
      version: string;
      config: unknown;
      enabled: boolean;
      initialized: boolean;
    };
    expect([plugin.name, plugin.version]).toEqual(['my-plugin', '1.0.0']);
    expect(plugin.config).toEqual({ setting1: 'value1', setting2: 'value2' });
    expect(loaded).toEqual(['my-plugin']);
    expect(registry.getPlugin('my-plugin')?.version).toBe('1.0.0');
    expect(registry.getAllPlugins().map((p) => `${p.name} v${p.version}`)).toEqual(['my-plugin v1.0.0']);
    expect(registry.plugins.has('my-plugin')).toBe(true);
    const status = registry.plugins.getStatus();
    expect(`${status.counts.enabled}/${status.counts.total} plugins enabled`).toBe('1/1 plugins enabled');
    expect([plugin.enabled, plugin.initialized]).toEqual([true, true]);

    const success = await registry.unloadPlugin('my-plugin');
    expect(success).toBe(true);
    expect([plugin.enabled, plugin.initialized]).toEqual([false, false]);
    expect(registry.getPlugin('my-plugin')).toBeUndefined();
  });
});
