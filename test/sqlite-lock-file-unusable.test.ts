import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppRegistry } from '../src/index.js';

const migrations = fileURLToPath(new URL('./fixtures/migrations-basic', import.meta.url));

describe('SQLite: a lock file knexus cannot use', () => {
  let dir: string;
  let filename: string;
  let registry: AppRegistry;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'knexus-lock-file-'));
    filename = join(dir, 'app.sqlite');
    registry = new AppRegistry();
  });
  afterEach(async () => {
    await registry.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });
  const register = () =>
    registry.registerApp('locked', {
      database: { client: 'better-sqlite3', connection: { filename } },
      migrations: { directory: migrations },
    });

  it.each([
    ['a folder', (path: string) => mkdirSync(path)],
    [
      'a file that is not a database',
      (path: string) => writeFileSync(path, 'not a database, just some bytes that are long enough to be read as a header '.repeat(20)),
    ],
  ])('is KNEXUS_ERR_LOCK_FILE naming it and what to do, when it is %s', async (_what, make) => {
    const lockFile = `${filename}.knexus-lock`;
    make(lockFile);
    const failure = await register().catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'KNEXUS_ERR_LOCK_FILE', appName: 'locked', resolvedPath: lockFile });
    expect((failure as Error).message).toContain(lockFile);
    expect((failure as Error).message).toMatch(/remove it/);
    expect(registry.hasApp('locked')).toBe(false);

    // Removed, as the message says: the same registration goes through.
    rmSync(lockFile, { recursive: true, force: true });
    const app = await register();
    expect((await app.migrationStatus()).pending).toEqual([]);
  });
});
