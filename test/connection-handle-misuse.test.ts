import { describe, expect, it } from 'vitest';
import type { AppRegistry } from '../src/index.js';
import { useRegistry } from './support/use-registry.js';

const memory = { client: 'better-sqlite3', connection: ':memory:' } as const;

describe('misusing an app handle gives a coded error, not a driver error', () => {
  const createRegistry = useRegistry();
  let registry: AppRegistry;

  it('a handle kept after unregisterApp is KNEXUS_ERR_APP_NOT_FOUND, pointing at getApp', async () => {
    registry = createRegistry();
    const stale = await registry.registerApp('kept', { database: memory });
    await registry.unregisterApp('kept');
    await registry.registerApp('kept', { database: memory });
    await expect(stale.withTransaction(async () => 1)).rejects.toMatchObject({ code: 'KNEXUS_ERR_APP_NOT_FOUND', appName: 'kept' });
    await expect(stale.migrationStatus()).rejects.toMatchObject({ code: 'KNEXUS_ERR_APP_NOT_FOUND' });
    await expect(registry.getApp('kept').withTransaction(async () => 1)).resolves.toBe(1);
  });

  it.each([
    ['options null', async () => 1, null, 'options'],
    ['no function', 'select 1', {}, 'fn'],
    ['an unknown isolation level', async () => 1, { isolationLevel: 'chaotic' }, 'isolationLevel'],
  ])('withTransaction with %s names the argument', async (_name, fn, options, field) => {
    registry = createRegistry();
    const app = await registry.registerApp('trx', { database: memory });
    await expect(app.withTransaction(fn as never, options as never)).rejects.toMatchObject({ code: 'KNEXUS_ERR_INVALID_CONFIG', field });
  });
});
