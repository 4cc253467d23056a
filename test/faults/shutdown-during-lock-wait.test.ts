import { describe, expect, it } from 'vitest';
import { AppRegistry } from '../../src/index.js';
import { LOCK_HOLDER_MIGRATIONS, closeLockHolderGate, useLockHolderGate } from '../support/lock-holder-gate.js';
import { useDatabase } from '../support/use-database.js';

const directory = LOCK_HOLDER_MIGRATIONS;

describe.each(['pg', 'mariadb'] as const)('shutdown while a registration waits for another holder of its lock (%s)', (dialect) => {
  const db = useDatabase(dialect);
  useLockHolderGate();

  it('stops the wait at once with KNEXUS_ERR_SHUTTING_DOWN instead of waiting out shutdownTimeout', async () => {
    const { inside, release } = closeLockHolderGate();
    const holder = new AppRegistry();
    // Both budgets far beyond the test's timeout: only an interrupted wait lets this test finish.
    const waiter = new AppRegistry({ registry: { shutdownTimeout: 120_000 } });
    try {
      const holding = holder.registerApp('guarded', { database: db.config(), migrations: { directory } });
      await inside;
      const waiting = waiter.registerApp('guarded', { database: db.config(), migrations: { directory, lockTimeout: 120_000 } });
      waiting.catch(() => undefined);
      await new Promise<void>((resolve) => waiter.once('auto-migration-started', () => resolve()));
      await expect(waiter.shutdown()).resolves.toMatchObject({ errors: [] });
      await expect(waiting).rejects.toMatchObject({ code: 'KNEXUS_ERR_SHUTTING_DOWN', appName: 'guarded' });

      release();
      const app = await holding;
      expect((await app.migrationStatus()).applied.map((entry) => entry.name)).toEqual(['001_gate.mjs']);
    } finally {
      release();
      // The waiter too, in case the test failed before shutting it down (it is idempotent).
      await Promise.all([holder.shutdown(), waiter.shutdown()]);
    }
  });
});
