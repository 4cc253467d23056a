import { describe, expect, it } from 'vitest';
import type { RegistryErrorEvent } from '../src/index.js';
import { testPlugin } from './support/test-plugin.js';
import { useRegistry } from './support/use-registry.js';

const SECRET = 's3cret-Pa55';

describe('a registration refused for a bad config reaches plugins and error listeners', () => {
  const createRegistry = useRegistry();

  const badConfigs = [
    {
      name: 'an invalid field',
      config: {
        database: { client: 'pg', connection: { host: '127.0.0.1', user: 'postgres', password: SECRET, database: 'test' } },
        migrations: { directory: 42 },
      },
      code: 'KNEXUS_ERR_INVALID_CONFIG',
    },
    {
      name: 'an unknown client',
      config: { database: { client: 'oracle', connection: { password: SECRET } } },
      code: 'KNEXUS_ERR_UNKNOWN_CLIENT',
    },
    { name: 'no database at all', config: {}, code: 'KNEXUS_ERR_INVALID_CONFIG' },
  ];

  it.each(badConfigs)(
    '$name: onOperationFailed and an error event get the coded error (no secret); registerApp rejects with it',
    async ({ config, code }) => {
      const registry = createRegistry();
      const errors: RegistryErrorEvent[] = [];
      registry.on('error', (event) => errors.push(event));
      const failed: { appName: string; operation: string; error: Error; context: Readonly<Record<string, unknown>> }[] = [];
      await registry.loadPlugin(
        testPlugin({
          name: 'watcher',
          onOperationFailed(appName, operation, error, context) {
            failed.push({ appName, operation, error, context });
          },
        }),
      );
      const thrown = await registry.registerApp('refused', config as never).catch((error: unknown) => error);
      expect(thrown).toMatchObject({ code });
      expect(failed).toHaveLength(1);
      expect(failed[0]).toMatchObject({
        appName: 'refused',
        operation: 'registration',
        error: { code, message: (thrown as Error).message },
      });
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({ component: 'AppRegistry', appName: 'refused', phase: 'registration' });
      expect(errors[0]!.error).toBe(thrown);
      expect(JSON.stringify([errors[0]!.error, failed[0]!.error, failed[0]!.context])).not.toContain(SECRET);
      // Nothing else changed: no app, and the name is free for a valid registration.
      expect(registry.hasApp('refused')).toBe(false);
      await registry.registerApp('refused', { database: { client: 'better-sqlite3', connection: { filename: ':memory:' } } });
      expect(registry.hasApp('refused')).toBe(true);
    },
  );

  it('a name already taken is refused without telling plugins the existing app failed', async () => {
    const registry = createRegistry();
    const failed: string[] = [];
    await registry.loadPlugin(testPlugin({ name: 'watcher', onOperationFailed: (_app, operation) => void failed.push(operation) }));
    const memory = { database: { client: 'better-sqlite3', connection: { filename: ':memory:' } } } as const;
    await registry.registerApp('taken', memory);
    await expect(registry.registerApp('taken', memory)).rejects.toMatchObject({ code: 'KNEXUS_ERR_APP_EXISTS' });
    expect(failed).toEqual([]);
  });
});
