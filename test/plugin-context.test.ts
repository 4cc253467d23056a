import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AppRegistry, definePlugin, type PluginContext } from '../src/index.js';

const base = { version: '1.0.0', shutdown() {}, getStatus: () => ({}) };
const sqlite = { client: 'better-sqlite3', connection: { filename: ':memory:' } };

describe('PluginContext: what a plugin is given', () => {
  let registry: AppRegistry;
  let dir: string;
  afterEach(async () => {
    await registry.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  it("gives the registry's baseDir, or the plugin manager's when it sets its own", async () => {
    dir = mkdtempSync(join(tmpdir(), 'knexus-context-'));
    const seen: string[] = [];
    const plugin = () => definePlugin({ ...base, name: 'where', initialize: (context: PluginContext) => void seen.push(context.baseDir) });
    registry = new AppRegistry({ baseDir: dir });
    expect(registry.baseDir).toBe(dir);
    await registry.loadPlugin(plugin());
    await registry.shutdown();
    registry = new AppRegistry({ baseDir: dir, pluginManager: { baseDir: join(dir, 'plugins') } });
    await registry.loadPlugin(plugin());
    expect(seen).toEqual([dir, join(dir, 'plugins')]);
  });

  it('reaches apps, status and services, and its listeners leave with it', async () => {
    dir = mkdtempSync(join(tmpdir(), 'knexus-context-'));
    registry = new AppRegistry({ baseDir: dir });
    const heard: string[] = [];
    let context: PluginContext | undefined;
    await registry.loadPlugin(
      definePlugin({
        ...base,
        name: 'watcher',
        initialize(appRegistry) {
          context = appRegistry;
          appRegistry.on('app-registered', ({ appName }) => heard.push(appName));
          appRegistry.exportService('watcher', 'heard', () => heard.length);
        },
      }),
    );
    await context!.registerApp('shop', { database: sqlite });
    expect(context!.hasApp('shop')).toBe(true);
    expect(context!.getApp('shop').name).toBe('shop');
    expect(context!.getAllApps().map((app) => app.name)).toEqual(['shop']);
    expect(context!.getStatus().plugins.services).toEqual({ heard: 'watcher' });
    expect(context!.importService<() => number>('other', 'heard')()).toBe(1);
    expect(context!.getPlugin('watcher')?.name).toBe('watcher');
    await registry.unloadPlugin('watcher');
    await registry.registerApp('blog', { database: sqlite });
    expect(heard).toEqual(['shop']);
  });
});
