/**
 * `useRegistry()`: registries a test creates are shut down after it, whatever the test did, so a
 * failing assertion never leaves pools, timers or plugins behind for the next test.
 */
import { afterEach } from 'vitest';
import { AppRegistry, type AppRegistryOptions } from '../../src/index.js';

/** Returns `createRegistry(options)`; every registry it made is shut down in `afterEach` (idempotent, so a test may shut one down itself). */
export function useRegistry(): (options?: AppRegistryOptions) => AppRegistry {
  const open: AppRegistry[] = [];
  afterEach(async () => {
    const registries = open.splice(0);
    await Promise.all(registries.map((registry) => registry.shutdown()));
  });
  return (options) => {
    const registry = new AppRegistry(options);
    open.push(registry);
    return registry;
  };
}
