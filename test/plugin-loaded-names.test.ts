import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { useRegistry } from './support/use-registry.js';

const onlyClass = fileURLToPath(new URL('./fixtures/plugins/only-class.mjs', import.meta.url));

describe('initialize().loadedPlugins', () => {
  const createRegistry = useRegistry();

  it('names the plugins as getPlugin and unloadPlugin know them, even under another config key', async () => {
    const registry = createRegistry({ plugins: { 'my-key': { module: onlyClass } } });
    const { loadedPlugins } = await registry.initialize();
    expect(loadedPlugins).toEqual(['only-class']);
    for (const name of loadedPlugins) expect(registry.getPlugin(name)?.name).toBe(name);
    expect(await registry.unloadPlugin(loadedPlugins[0]!)).toBe(true);
    expect(registry.getAllPlugins()).toEqual([]);
  });
});
