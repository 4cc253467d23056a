import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppRegistry } from '../../src/index.js';
import { holdSqliteLock, type LockHolder } from '../fixtures/faults/lock-holder.js';

const migrations = fileURLToPath(new URL('../fixtures/migrations-basic', import.meta.url));

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
    holder = holdSqliteLock(filename, 2_000);
    await holder.locked;
    // The longest gap between two 10 ms ticks (monitorEventLoopDelay can miss a stall that ends the work).
    let last = performance.now();
    let stallMs = 0;
    const tick = setInterval(() => {
      stallMs = Math.max(stallMs, performance.now() - last);
      last = performance.now();
    }, 10);
    const app = await register(20_000);
    await new Promise((resolve) => setTimeout(resolve, 30));
    clearInterval(tick);
    expect((await app.migrationStatus()).pending).toEqual([]);
    // A synchronous busy wait would have stalled the loop for the whole 2 s the other process held the lock.
    expect(stallMs).toBeLessThan(1_000);
  });
});
