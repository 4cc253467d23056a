import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { AppRegistry, type PluginEntry } from '../src/index.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'plugins');

describe('loading plugins from config', () => {
  let registry: AppRegistry | undefined;
  const originalCwd = process.cwd();
  afterEach(async () => {
    process.chdir(originalCwd);
    await registry?.shutdown();
    registry = undefined;
  });

  it('loads ESM with top-level await, CommonJS, TypeScript, named and only-class exports', async () => {
    const plugins: Record<string, PluginEntry> = {
      'esm-tla': { module: './esm-tla.mjs', config: { a: 1 } },
      'cjs-plugin': { module: './cjs-plugin.cjs', config: { b: 2 } },
      'folder-plugin': { module: './cjs-folder' },
      'audit-trail': { module: './named-export.js' },
      'only-class': { module: './only-class.mjs' },
      'ts-plugin': { module: './ts-plugin.ts', config: { greeting: 'hi' } },
    };
    registry = new AppRegistry({ baseDir: fixtures, plugins });
    const announced: string[] = [];
    registry.on('plugin-loaded', (event) => void announced.push((event as { name: string }).name));
    const result = await registry.initialize();
    expect(result.failedPlugins).toEqual([]);
    expect(announced.sort()).toEqual(Object.keys(plugins).sort());
    expect(result.loadedPlugins).toEqual(['esm-tla', 'cjs-plugin', 'folder-plugin', 'audit-trail', 'only-class', 'ts-plugin']);
    expect(result.pluginCount).toBe(6);

    const tla = registry.getPlugin('esm-tla') as unknown as { constructorConfig: unknown; initConfig: unknown; loadedAt: number };
    expect(tla.constructorConfig).toEqual({ a: 1 });
    expect(tla.initConfig).toBe(tla.constructorConfig);
    expect(typeof tla.loadedAt).toBe('number');
    expect(registry.getPlugin('cjs-plugin')?.version).toBe('2.1.0');
    expect(registry.getPlugin('ts-plugin')).toMatchObject({ ready: true, config: { greeting: 'hi' } });
    expect(registry.plugins.getStatus().plugins['cjs-plugin']?.resolvedPath).toBe(join(fixtures, 'cjs-plugin.cjs'));
  });

  it('resolves relative paths against baseDir, not the working directory or knexus itself', async () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'knexus-cwd-'));
    try {
      process.chdir(elsewhere);
      registry = new AppRegistry({ baseDir: fixtures, plugins: { 'esm-tla': { module: './esm-tla.mjs' } } });
      await expect(registry.initialize()).resolves.toMatchObject({ loadedPlugins: ['esm-tla'], failedPlugins: [] });
      await registry.shutdown();

      // Without baseDir, the working directory is the base: here the file does not exist.
      registry = new AppRegistry({ plugins: { 'esm-tla': { module: './esm-tla.mjs' } } });
      const result = await registry.initialize();
      expect(result.failedPlugins[0]?.cause).toMatchObject({
        code: 'KNEXUS_ERR_PLUGIN_IMPORT',
        pluginName: 'esm-tla',
        module: './esm-tla.mjs',
      });
      expect(result.failedPlugins[0]?.cause?.message).toContain("Failed to import plugin module './esm-tla.mjs':");
      expect(result.failedPlugins[0]?.cause?.message).toContain(join(elsewhere, 'esm-tla.mjs'));
    } finally {
      process.chdir(originalCwd);
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('resolves package names from baseDir, including ESM-only and CommonJS packages', async () => {
    registry = new AppRegistry({
      baseDir: join(fixtures, 'app'),
      plugins: {
        'esm-only': { module: '@knexus-fixtures/esm-only' },
        packaged: { module: 'knexus-fixture-cjs' },
        nowhere: { module: 'knexus-no-such-package' },
      },
    });
    const result = await registry.initialize();
    expect(result.loadedPlugins).toEqual(['esm-only', 'packaged']);
    expect(registry.plugins.getStatus().plugins['esm-only']?.resolvedPath).toBe(
      join(fixtures, 'node_modules', '@knexus-fixtures', 'esm-only', 'plugin.js'),
    );
    expect(result.failedPlugins[0]?.cause).toMatchObject({ code: 'KNEXUS_ERR_PLUGIN_IMPORT', module: 'knexus-no-such-package' });
  });

  it('reports every failure with its code and the spec text, and loads the rest', async () => {
    registry = new AppRegistry({
      baseDir: fixtures,
      plugins: {
        missing: { module: './does-not-exist.mjs' },
        nomodule: { enabled: true } as unknown as PluginEntry,
        disabled: { enabled: false, module: './nope.mjs' },
        broken: { module: './no-initialize.mjs' },
        exploding: { module: './throws-on-import.mjs' },
        'esm-tla': { module: './esm-tla.mjs' },
      },
    });
    const errors: unknown[] = [];
    registry.on('error', (event) => errors.push(event));
    const result = await registry.initialize();
    expect(result.loadedPlugins).toEqual(['esm-tla']);
    const byName = Object.fromEntries(result.failedPlugins.map((f) => [f.name, f.cause]));
    expect(Object.keys(byName)).toEqual(['missing', 'nomodule', 'broken', 'exploding']);
    expect(byName['missing']).toMatchObject({ code: 'KNEXUS_ERR_PLUGIN_IMPORT', module: './does-not-exist.mjs' });
    expect(byName['missing']?.message).toContain("Failed to import plugin module './does-not-exist.mjs': ");
    expect(byName['nomodule']).toMatchObject({ code: 'KNEXUS_ERR_PLUGIN_MODULE_MISSING', pluginName: 'nomodule' });
    expect(byName['nomodule']?.message).toContain("Plugin 'nomodule' missing required 'module' property");
    expect(byName['broken']).toMatchObject({ code: 'KNEXUS_ERR_PLUGIN_INVALID', resolvedPath: join(fixtures, 'no-initialize.mjs') });
    expect(byName['broken']?.message).toContain('Plugin must implement initialize() method');
    expect(byName['exploding']?.message).toContain('boom at import');
    expect(errors).toHaveLength(4);
    expect(errors[0]).toMatchObject({ component: 'PluginManager', phase: 'load', pluginName: 'missing' });
    expect(registry.plugins.getStatus().counts).toMatchObject({ total: 1, enabled: 1, failed: 4 });
  });
});
