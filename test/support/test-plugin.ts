/**
 * `testPlugin(overrides)`: a plain-object plugin with no-op `initialize`, `shutdown` and `getStatus`
 * and version 1.0.0, so a test writes only its name and the hooks it is about.
 */
import { definePlugin, type Plugin } from '../../src/index.js';

/** The members every test plugin has unless it overrides them. */
export const TEST_PLUGIN_BASE = Object.freeze({
  version: '1.0.0',
  initialize(): void {},
  shutdown(): void {},
  getStatus: (): Record<string, unknown> => ({}),
});

type Base = typeof TEST_PLUGIN_BASE;

/** A plugin named `overrides.name` with `overrides`' members over the base ones; hook parameters are typed as `definePlugin` types them. */
export function testPlugin<const T extends Partial<Plugin> & { readonly name: string }>(
  overrides: T & ThisType<Base & T>,
): NoInfer<Base & T> {
  return definePlugin({ ...TEST_PLUGIN_BASE, ...overrides } as Base & T & Plugin);
}
