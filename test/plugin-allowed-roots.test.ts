import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppRegistry } from '../src/index.js';
import { useRegistry } from './support/use-registry.js';

// A plugin module whose top-level code leaves a trace: a refused module must never have run.
const moduleSource = (name: string) => `globalThis.knexusRan = [...(globalThis.knexusRan ?? []), '${name}'];
export default class P { constructor() { this.name = '${name}'; this.version = '1.0.0'; } initialize() {} shutdown() {} getStatus() { return {}; } }
`;
const ran = () => (globalThis as { knexusRan?: string[] }).knexusRan ?? [];

describe('pluginManager.allowedRoots', () => {
  let dir: string;
  let root: string;
  let outside: string;
  let registry: AppRegistry;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  // Registered after the folder's removal, so (after-hooks run in reverse) the registries close before it goes.
  const createRegistry = useRegistry();
  beforeEach(() => {
    dir = realpathSync(mkdtempSync(join(tmpdir(), 'knexus-roots-')));
    root = join(dir, 'project');
    outside = join(dir, 'elsewhere');
    mkdirSync(root);
    mkdirSync(outside);
    writeFileSync(join(root, 'inside.mjs'), moduleSource('inside'));
    writeFileSync(join(outside, 'evil.mjs'), moduleSource('evil'));
    symlinkSync(join(outside, 'evil.mjs'), join(root, 'link.mjs'));
    // Node looks for bare specifiers in every node_modules folder up from baseDir; this one sits above the root.
    mkdirSync(join(dir, 'node_modules'));
    delete (globalThis as { knexusRan?: string[] }).knexusRan;
    registry = createRegistry({ baseDir: root });
  });

  const refused = [
    { name: "a '../' escape", specifier: () => '../elsewhere/evil.mjs', real: () => join(outside, 'evil.mjs') },
    { name: 'an absolute path outside', specifier: () => join(outside, 'evil.mjs'), real: () => join(outside, 'evil.mjs') },
    { name: 'a symlink resolving outside', specifier: () => './link.mjs', real: () => join(outside, 'evil.mjs') },
    { name: 'a file: URL outside', specifier: () => pathToFileURL(join(outside, 'evil.mjs')).href, real: () => join(outside, 'evil.mjs') },
    {
      name: "a bare specifier with '..' segments (knexus)",
      specifier: () => 'knexus/../../elsewhere/evil.mjs',
      real: () => join(outside, 'evil.mjs'),
    },
    {
      name: "a bare specifier with '..' segments (knex)",
      specifier: () => 'knex/../../elsewhere/evil.mjs',
      real: () => join(outside, 'evil.mjs'),
    },
    {
      name: "a bare specifier with '..' segments (pg)",
      specifier: () => 'pg/../../elsewhere/evil.mjs',
      real: () => join(outside, 'evil.mjs'),
    },
    {
      name: "a bare specifier with '..' segments (objection)",
      specifier: () => 'objection/../../elsewhere/evil.mjs',
      real: () => join(outside, 'evil.mjs'),
    },
    {
      name: "a scoped bare specifier with '..' segments",
      specifier: () => '@scope/pkg/../../../elsewhere/evil.mjs',
      real: () => join(outside, 'evil.mjs'),
    },
    { name: 'a data: URL', specifier: () => `data:text/javascript,${encodeURIComponent(moduleSource('data'))}`, real: () => undefined },
    { name: 'a node: builtin', specifier: () => 'node:fs', real: () => undefined },
    { name: 'an http: URL', specifier: () => 'http://127.0.0.1:1/plugin.mjs', real: () => undefined },
  ];
  it.each(refused)('$name is refused before import, naming the specifier and its real path', async ({ specifier, real }) => {
    const error = await registry.loadPlugin(specifier()).catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({
      code: 'KNEXUS_ERR_PLUGIN_FORBIDDEN',
      module: specifier(),
      details: { allowedRoots: [root, expect.any(String)] },
    });
    expect((error as { resolvedPath?: string }).resolvedPath).toBe(real());
    expect(ran()).toEqual([]);
  });

  it("knexus's own package (its first-party plugins) is always an allowed root", () => {
    const roots = registry.plugins.options.allowedRoots;
    expect(roots[0]).toBe(root);
    expect(roots[1]).toMatch(/\S/);
    expect(root.startsWith(roots[1]!)).toBe(false);
  });

  it('a config entry outside the roots fails alone; the rest load', async () => {
    registry = createRegistry({
      baseDir: root,
      plugins: { evil: { module: '../elsewhere/evil.mjs' }, inside: { module: './inside.mjs' } },
    });
    const result = await registry.initialize();
    expect(result.loadedPlugins).toEqual(['inside']);
    expect(result.failedPlugins[0]).toMatchObject({
      name: 'evil',
      code: 'KNEXUS_ERR_PLUGIN_FORBIDDEN',
      cause: { pluginName: 'evil', resolvedPath: join(outside, 'evil.mjs') },
    });
    expect(ran()).toEqual(['inside']);
  });

  it('an installed package loads by its bare name, and a file of it by a subpath', async () => {
    const pkg = join(dir, 'node_modules', 'knexus-plugin-fixture');
    mkdirSync(join(pkg, 'lib'), { recursive: true });
    writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'knexus-plugin-fixture', version: '1.0.0', main: 'lib/index.mjs' }));
    writeFileSync(join(pkg, 'lib', 'index.mjs'), moduleSource('installed'));
    writeFileSync(join(pkg, 'lib', 'other.mjs'), moduleSource('installed-other'));
    await registry.loadPlugin('knexus-plugin-fixture');
    await registry.loadPlugin('knexus-plugin-fixture/lib/other.mjs');
    expect(ran()).toEqual(['installed', 'installed-other']);
    // A '..' that stays inside the package (or inside a root) is judged by where it lands, not by its shape.
    await registry.shutdown();
    registry = createRegistry({ baseDir: root });
    await registry.loadPlugin('knexus-plugin-fixture/lib/../lib/other.mjs');
  });

  it('files inside a root load, and more roots can be allowed', async () => {
    await registry.loadPlugin('./inside.mjs');
    await registry.shutdown();
    registry = createRegistry({ baseDir: root, pluginManager: { allowedRoots: [root, outside] } });
    await registry.loadPlugin('./link.mjs');
    expect(ran()).toEqual(['inside', 'evil']);
    expect(() => new AppRegistry({ pluginManager: { allowedRoots: [] } })).toThrow(
      expect.objectContaining({ field: 'pluginManager.allowedRoots' }),
    );
  });
});
