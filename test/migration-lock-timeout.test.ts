import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppRegistry } from '../src/index.js';
import { DIALECTS, createDatabase, type TestDatabase } from './support/databases.js';

const directory = fileURLToPath(new URL('./fixtures/migrations-lock-holder', import.meta.url));

interface Gate {
  entered(): void;
  released: Promise<void>;
}
const globals = globalThis as { knexusFixtureGate?: Gate };

describe.each(DIALECTS)('migrations: lock timeout (%s)', (dialect) => {
  let db: TestDatabase | null;
  beforeAll(async () => {
    db = await createDatabase(dialect);
  });
  afterAll(async () => {
    delete globals.knexusFixtureGate;
    await db?.drop();
  });

  it('waiting longer than lockTimeout for another session applying the same app is KNEXUS_ERR_LOCK_TIMEOUT', async (t) => {
    if (!db) return t.skip(); // no server outside CI (in CI createDatabase throws instead)
    let entered!: () => void;
    let release!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    globals.knexusFixtureGate = { entered, released: new Promise<void>((resolve) => (release = resolve)) };

    // Two registries with their own connections: the first holds the lock inside its migration.
    const holder = new AppRegistry();
    const waiter = new AppRegistry();
    const holding = holder.registerApp('vault', { database: db.config(), migrations: { directory } });
    await inside;
    const started = performance.now();
    await expect(waiter.registerApp('vault', { database: db.config(), migrations: { directory, lockTimeout: 50 } })).rejects.toMatchObject({
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
  });
});
