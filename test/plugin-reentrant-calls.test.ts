import { describe, expect, it } from 'vitest';
import type { AppRegistry, RegistryErrorEvent } from '../src/index.js';
import { useRegistry } from './support/use-registry.js';
import { testPlugin } from './support/test-plugin.js';

const memory = () => ({ client: 'better-sqlite3', connection: { filename: ':memory:' } }) as const;

describe('plugins calling back into the registry from onAppRegistered', () => {
  const createRegistry = useRegistry();
  let registry: AppRegistry;

  it('awaiting registry.shutdown() neither stalls for hookTimeout nor reports a hook timeout', async () => {
    registry = createRegistry({ pluginManager: { hookTimeout: 1_000 } });
    const errors: RegistryErrorEvent[] = [];
    registry.on('error', (event) => errors.push(event));
    let stopped: Promise<unknown> | undefined;
    await registry.loadPlugin(
      testPlugin({
        name: 'stopper',
        async onAppRegistered() {
          stopped = registry.shutdown();
          await stopped;
        },
      }),
    );
    const app = await registry.registerApp('short-lived', { database: memory() });
    expect(app.name).toBe('short-lived');
    await expect(stopped).resolves.toMatchObject({ closed: ['short-lived'], errors: [] });
    expect(errors.map((e) => (e.error as { code?: string }).code)).toEqual([]);
  });

  it('unregisterApp is refused with KNEXUS_ERR_APP_NOT_READY, and registerApp resolves with a working connection', async () => {
    registry = createRegistry();
    let refusal: unknown;
    await registry.loadPlugin(
      testPlugin({
        name: 'eager-remover',
        async onAppRegistered(appName) {
          refusal = await registry.unregisterApp(appName).catch((error: unknown) => error);
        },
      }),
    );
    const app = await registry.registerApp('kept', { database: memory() });
    expect(refusal).toMatchObject({ code: 'KNEXUS_ERR_APP_NOT_READY', appName: 'kept' });
    expect(await app.knex.raw('select 1 as one')).toEqual([{ one: 1 }]);
    expect(registry.hasApp('kept')).toBe(true);
    // Once registerApp has resolved, the same call works.
    await expect(registry.unregisterApp('kept')).resolves.toBe(true);
  });
});
