import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppRegistry } from '../../src/index.js';
import { holdSqliteLock, holdSqliteWrite, type LockHolder } from '../fixtures/faults/lock-holder.js';

const migrations = fileURLToPath(new URL('../fixtures/migrations-basic', import.meta.url));
const HOLD_MS = 2_000;

describe('SQLite: a writer that is not knexus holds the file while knexus migrates', () => {
  let dir: string;
  let filename: string;
  let holder: LockHolder | undefined;
  let registry: AppRegistry;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'knexus-foreign-writer-'));
    filename = join(dir, 'app.sqlite');
    registry = new AppRegistry();
  });
  afterEach(async () => {
    holder?.child.kill('SIGKILL');
    await holder?.exited;
    holder = undefined;
    await registry.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });
  const register = (lockTimeout: number) =>
    registry.registerApp('foreign', {
      database: { client: 'better-sqlite3', connection: { filename } },
      migrations: { directory: migrations, lockTimeout },
    });

  /** Runs `work` while measuring the longest event-loop stall (the longest gap between two 10 ms ticks), in ms. */
  async function measured<T>(work: () => Promise<T>): Promise<{ outcome: PromiseSettledResult<T>; stallMs: number; elapsedMs: number }> {
    let last = performance.now();
    let stallMs = 0;
    const tick = setInterval(() => {
      const now = performance.now();
      stallMs = Math.max(stallMs, now - last);
      last = now;
    }, 10);
    const started = performance.now();
    const [outcome] = await Promise.allSettled([work()]);
    const elapsedMs = performance.now() - started;
    // One more tick, so a stall right before the end is measured too.
    await new Promise((resolve) => setTimeout(resolve, 30));
    clearInterval(tick);
    return { outcome: outcome!, stallMs, elapsedMs };
  }

  it('is waited for asynchronously: the run completes after the writer lets go, without stalling the event loop', async () => {
    holder = holdSqliteWrite(filename, HOLD_MS);
    await holder.locked;
    const { outcome, stallMs, elapsedMs } = await measured(() => register(20_000));
    expect(outcome.status).toBe('fulfilled');
    // It did wait for the writer (the ledger's first write needs the file's write lock)...
    expect(elapsedMs).toBeGreaterThan(HOLD_MS / 2);
    // ...but never in one synchronous busy wait: SQLite's default 5 s busy timeout stalled the loop ~2 s.
    expect(stallMs).toBeLessThan(HOLD_MS / 2);
    const app = registry.getApp('foreign');
    const status = await app.migrationStatus();
    expect(status.pending).toEqual([]);
    expect(status.dirty).toEqual([]);
  });

  it('is waited for at most lockTimeout, then KNEXUS_ERR_LOCK_TIMEOUT, without stalling the event loop', async () => {
    holder = holdSqliteWrite(filename, HOLD_MS);
    await holder.locked;
    const { outcome, stallMs, elapsedMs } = await measured(() => register(300));
    expect(outcome.status).toBe('rejected');
    expect((outcome as PromiseRejectedResult).reason).toMatchObject({
      code: 'KNEXUS_ERR_LOCK_TIMEOUT',
      appName: 'foreign',
      timeoutMs: 300,
    });
    expect(elapsedMs).toBeLessThan(HOLD_MS * 0.75);
    expect(stallMs).toBeLessThan(HOLD_MS / 2);
  });

  it('an exclusive writer met by a later run (its reads before the lock included) is waited for without stalling the event loop', async () => {
    const app = await register(20_000);
    holder = holdSqliteLock(filename, HOLD_MS);
    await holder.locked;
    const { outcome, stallMs, elapsedMs } = await measured(() => app.runMigrations());
    expect(outcome).toMatchObject({ status: 'fulfilled', value: { applied: [] } });
    expect(elapsedMs).toBeGreaterThan(HOLD_MS / 2);
    expect(stallMs).toBeLessThan(HOLD_MS / 2);
  });
});
