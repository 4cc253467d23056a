// A plugin's own migrations run under the app's shutdown signal: a registry waiting for a plugin's
// migration lock held elsewhere shuts down at once instead of waiting out the lock.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PluginInterface } from '../src/index.js';
import { useDatabase } from './support/use-database.js';
import { useRegistry } from './support/use-registry.js';

const slow = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'plugin-data-slow');

class SlowDataPlugin extends PluginInterface {
  readonly migrations = { directory: slow };
  constructor() {
    super('slow-data', '1.0.0');
  }
  initialize() {}
}

describe('plugin data and shutdown (PostgreSQL)', () => {
  const db = useDatabase('pg');
  const createRegistry = useRegistry();

  it('stops waiting for a plugin’s migration lock when the registry shuts down', async () => {
    const holder = createRegistry();
    await holder.registerApp('shop', { database: db.config({ pool: { max: 2 } }) });
    const holding = holder.loadPlugin(SlowDataPlugin);
    // Let the holder take the plugin's lock and start its 4 s migration.
    await new Promise((resolve) => setTimeout(resolve, 500));

    const waiter = createRegistry();
    await waiter.registerApp('shop', { database: db.config({ pool: { max: 2 } }) });
    const waiting = waiter.loadPlugin(SlowDataPlugin).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const started = performance.now();
    await waiter.shutdown();
    const took = performance.now() - started;
    await waiting;
    await holding;
    // Without the shutdown signal the waiter sat out the holder's remaining ~3 s (or its 30 s lock timeout).
    expect(took).toBeLessThan(2_000);
  });
});
