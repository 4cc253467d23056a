// plugins: { directory } loads every plugin module of a folder (or a glob), config from plugins.<name>; explicit entries win.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AppRegistry } from '../src/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const pluginSource = (name: string, version = '1.0.0') => `
export default class {
  constructor(config) { this.name = ${JSON.stringify(name)}; this.version = ${JSON.stringify(version)}; this.config = config; }
  initialize(_registry, config) { this.initConfig = config; }
  shutdown() {}
  getStatus() { return {}; }
}
`;

describe('plugin discovery', () => {
  let dir: string;
  let registry: AppRegistry | undefined;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'knexus-discovery-'));
    const folder = join(dir, 'plugins');
    mkdirSync(join(folder, 'beta'), { recursive: true });
    mkdirSync(join(folder, 'no-index'));
    writeFileSync(join(folder, 'alpha.mjs'), pluginSource('alpha'));
    writeFileSync(join(folder, 'beta', 'index.mjs'), pluginSource('beta'));
    writeFileSync(join(folder, 'gamma.js'), pluginSource('gamma'));
    writeFileSync(join(folder, 'README.md'), '# not a plugin');
    writeFileSync(join(folder, '_shared.mjs'), 'export const helper = 1;');
    writeFileSync(join(folder, 'alpha.test.ts'), 'throw new Error("a test file is not a plugin");');
    writeFileSync(join(folder, 'no-index', 'notes.txt'), 'nothing to load');
    writeFileSync(join(dir, 'other-alpha.mjs'), pluginSource('alpha', '9.0.0'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(async () => {
    await registry?.shutdown();
    registry = undefined;
  });

  it('loads every plugin module of the folder, with config and enabled from plugins.<name>', async () => {
    registry = new AppRegistry({
      baseDir: dir,
      plugins: { directory: './plugins', alpha: { config: { level: 2 } }, beta: { enabled: false } },
    });
    const result = await registry.initialize();
    expect(result.failedPlugins).toEqual([]);
    expect(result.loadedPlugins).toEqual(['alpha', 'gamma']);
    expect(registry.getPlugin('alpha')).toMatchObject({ config: { level: 2 }, initConfig: { level: 2 } });
    expect(registry.plugins.getStatus().plugins['alpha']?.resolvedPath).toBe(join(dir, 'plugins', 'alpha.mjs'));
  });

  it('an explicit entry with its own module wins over a found one', async () => {
    registry = new AppRegistry({
      baseDir: dir,
      plugins: { directory: './plugins', alpha: { module: './other-alpha.mjs' }, beta: { enabled: false }, gamma: { enabled: false } },
    });
    const result = await registry.initialize();
    expect(result.loadedPlugins).toEqual(['alpha']);
    expect(registry.getPlugin('alpha')?.version).toBe('9.0.0');
  });

  it('accepts a glob', async () => {
    registry = new AppRegistry({ baseDir: dir, plugins: { directory: './plugins/*.mjs' } });
    const result = await registry.initialize();
    expect(result.loadedPlugins).toEqual(['alpha']);
  });

  it('a folder that does not exist is a coded error at construction', () => {
    expect(() => new AppRegistry({ baseDir: dir, plugins: { directory: './nowhere' } })).toThrow(
      expect.objectContaining({ code: 'KNEXUS_ERR_INVALID_CONFIG', field: 'plugins.directory' }),
    );
  });

  it("discovers the first-party plugins from the repository's plugins/ folder", async () => {
    registry = new AppRegistry({
      baseDir: root,
      plugins: {
        directory: './plugins',
        'audit-log': { config: { file: join(dir, 'audit.jsonl') } },
        backup: { config: { directory: join(dir, 'backups') } },
        'metrics-http': { config: { port: 0 } },
        board: { config: { port: 0 } },
      },
    });
    const result = await registry.initialize();
    expect(result.failedPlugins).toEqual([]);
    // Listed as they finished loading, three at a time.
    expect([...result.loadedPlugins].sort()).toEqual(['audit-log', 'backup', 'board', 'metrics-http', 'query-monitor']);
    expect(registry.getPlugin('query-monitor')?.getStatus()).toMatchObject({ apps: {} });
  });
});
