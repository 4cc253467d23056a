import { describe, expect, it } from 'vitest';
import { DIALECTS } from './support/databases.js';
import { LOCK_HOLDER_MIGRATIONS, closeLockHolderGate, useLockHolderGate } from './support/lock-holder-gate.js';
import { useDatabase } from './support/use-database.js';
import { useRegistry } from './support/use-registry.js';

const directory = LOCK_HOLDER_MIGRATIONS;

describe.each(DIALECTS)('migrations: lock timeout (%s)', (dialect) => {
  const db = useDatabase(dialect);
  const createRegistry = useRegistry();
  useLockHolderGate();

  it('waiting longer than lockTimeout for another session applying the same app is KNEXUS_ERR_LOCK_TIMEOUT', async () => {
    const { inside, release } = closeLockHolderGate();

    // Opened whatever happens: a closed gate keeps the holder's migration (and so its shutdown) waiting past the hook timeout.
    try {
      // Two registries with their own connections: the first holds the lock inside its migration.
      const holder = createRegistry();
      const waiter = createRegistry();
      const holding = holder.registerApp('vault', { database: db.config(), migrations: { directory } });
      await inside;
      const started = performance.now();
      await expect(
        waiter.registerApp('vault', { database: db.config(), migrations: { directory, lockTimeout: 50 } }),
      ).rejects.toMatchObject({
        code: 'KNEXUS_ERR_LOCK_TIMEOUT',
        appName: 'vault',
        timeoutMs: 50,
      });
      expect(performance.now() - started).toBeLessThan(5_000);

      release();
      const app = await holding;
      expect((await app.migrationStatus()).applied.map((entry) => entry.name)).toEqual(['001_gate.mjs']);
      // Once the holder is done, the same registration goes through and finds nothing left to apply.
      const late = await waiter.registerApp('vault', { database: db.config(), migrations: { directory, lockTimeout: 50 } });
      expect(await late.runMigrations()).toMatchObject({ applied: [] });
      await holder.unregisterApp('vault', { rollback: 'all' });
      await Promise.all([holder.shutdown(), waiter.shutdown()]);
    } finally {
      release();
    }
  });
});
