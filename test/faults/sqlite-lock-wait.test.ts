import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppRegistry } from '../../src/index.js';
import { holdSqliteLock, holdSqliteWrite, type LockHolder } from '../fixtures/faults/lock-holder.js';

const migrations = fileURLToPath(new URL('../fixtures/migrations-basic', import.meta.url));
const HOLD_MS = 2_000;

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

// knexus's own lock held by another process, and a writer that is not knexus holding the file itself.
describe('SQLite: a file another process keeps locked', () => {
  let dir: string;
  let filename: string;
  let holder: LockHolder | undefined;
  let registry: AppRegistry;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'knexus-sqlite-lock-'));
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
    registry.registerApp('locked', {
      database: { client: 'better-sqlite3', connection: { filename } },
      migrations: { directory: migrations, lockTimeout },
    });

  it('is waited for up to lockTimeout, then KNEXUS_ERR_LOCK_TIMEOUT (not "could not connect" after a fixed 5 s)', async () => {
    holder = holdSqliteLock(filename);
    await holder.locked;
    await expect(register(200)).rejects.toMatchObject({ code: 'KNEXUS_ERR_LOCK_TIMEOUT', appName: 'locked', timeoutMs: 200 });
    expect(registry.hasApp('locked')).toBe(false);

    // The lock frees itself when its holder dies: kill -9, and the same registration goes through.
    holder.child.kill('SIGKILL');
    await holder.exited;
    const app = await register(5_000);
    expect((await app.migrationStatus()).applied.map((entry) => entry.name)).toEqual(['001_users.mjs', '002_posts.mjs', '003_tags.mjs']);
  });

  it('is waited for without blocking the event loop (short busy waits, asynchronous backoff)', async () => {
    holder = holdSqliteLock(filename, HOLD_MS);
    await holder.locked;
    const { outcome, stallMs } = await measured(() => register(20_000));
    expect(outcome.status).toBe('fulfilled');
    expect((await registry.getApp('locked').migrationStatus()).pending).toEqual([]);
    // A synchronous busy wait would have stalled the loop for the whole 2 s the other process held the lock.
    expect(stallMs).toBeLessThan(HOLD_MS / 2);
  });

  it('a writer that is not knexus is waited for asynchronously: the run completes after it lets go, without stalling the event loop', async () => {
    holder = holdSqliteWrite(filename, HOLD_MS);
    await holder.locked;
    const { outcome, stallMs, elapsedMs } = await measured(() => register(20_000));
    expect(outcome.status).toBe('fulfilled');
    // It did wait for the writer (the ledger's first write needs the file's write lock)...
    expect(elapsedMs).toBeGreaterThan(HOLD_MS / 2);
    // ...but never in one synchronous busy wait: SQLite's default 5 s busy timeout stalled the loop ~2 s.
    expect(stallMs).toBeLessThan(HOLD_MS / 2);
    const app = registry.getApp('locked');
    const status = await app.migrationStatus();
    expect(status.pending).toEqual([]);
    expect(status.dirty).toEqual([]);
  });

  it('a writer that is not knexus is waited for at most lockTimeout, then KNEXUS_ERR_LOCK_TIMEOUT, without stalling the event loop', async () => {
    holder = holdSqliteWrite(filename, HOLD_MS);
    await holder.locked;
    const { outcome, stallMs, elapsedMs } = await measured(() => register(300));
    expect(outcome.status).toBe('rejected');
    expect((outcome as PromiseRejectedResult).reason).toMatchObject({
      code: 'KNEXUS_ERR_LOCK_TIMEOUT',
      appName: 'locked',
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
