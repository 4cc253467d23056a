import { describe, expect, expectTypeOf, it } from 'vitest';
import { PluginInterface, type DefaultPluginStatus } from '../src/index.js';
import { useRegistry } from './support/use-registry.js';

class Counting extends PluginInterface {
  #written = 0;
  constructor() {
    super('counting', '1.2.0');
  }
  initialize() {}
  override onAppRegistered() {
    this.#written++;
  }
  // Builds on the default status: this must compile (getStatus() was `unknown`, which cannot be spread).
  override getStatus() {
    return { ...super.getStatus(), written: this.#written };
  }
}

describe("a subclass's getStatus() builds on the default one", () => {
  const createRegistry = useRegistry();

  it('spreads super.getStatus() and adds its own fields', async () => {
    expectTypeOf<ReturnType<PluginInterface['getStatus']>>().toEqualTypeOf<DefaultPluginStatus | object>();
    expectTypeOf<ReturnType<Counting['getStatus']>>().toHaveProperty('written').toEqualTypeOf<number>();
    const registry = createRegistry();
    await registry.loadPlugin(Counting);
    await registry.registerApp('shop', { database: { client: 'better-sqlite3', connection: { filename: ':memory:' } } });
    expect(registry.getPlugin('counting')!.getStatus()).toMatchObject({ name: 'counting', version: '1.2.0', state: 'active', written: 1 });
    expect(registry.plugins.getStatus().plugins['counting']?.details).toMatchObject({
      written: 1,
      hooks: { onAppRegistered: { calls: 1 } },
    });
  });
});
