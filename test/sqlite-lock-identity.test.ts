import { existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { AppRegistry } from '../src/index.js';
import { spawnChild } from './fixtures/migrations-child/spawn-child.js';

// The driver itself (it ships no types): the test reads and locks the file behind knexus's back.
interface Statement {
  all(...bindings: unknown[]): unknown[];
}
interface SqliteDatabase {
  exec(sql: string): unknown;
  prepare(sql: string): Statement;
  close(): unknown;
}
const Database = createRequire(import.meta.url)('better-sqlite3') as new (path: string, options?: { readonly?: boolean }) => SqliteDatabase;

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const files = (name: string) =>
  readdirSync(fixture(name))
    .filter((file) => /\.(mjs|js|cjs|ts)$/.test(file))
    .sort();

describe('SQLite: one lock per database file, whatever name reaches it', () => {
  let dir: string;
  let real: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'knexus-lock-identity-'));
    real = join(dir, 'app.sqlite');
    // The file exists before anyone links to it, as a deployed database does.
    new Database(real).close();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const configFor = (filename: string) => ({
    database: { client: 'better-sqlite3' as const, connection: { filename } },
    migrations: { directory: fixture('migrations-concurrency'), lockTimeout: 30_000 },
    seeds: { directory: fixture('seeds-concurrency') },
  });

  it('processes reaching it through its path, a symlink and a hard link take turns: every file runs once, nothing is dirty', async () => {
    const symlink = join(dir, 'via-symlink.sqlite');
    symlinkSync(real, symlink);
    mkdirSync(join(dir, 'other'));
    const hardLink = join(dir, 'other', 'via-hardlink.sqlite');
    linkSync(real, hardLink);

    const children = [real, symlink, hardLink].map((filename) => spawnChild('crowd', configFor(filename)));
    onTestFinished(() => {
      for (const child of children) child.kill('SIGKILL');
    });
    await Promise.all(children.map((child) => child.ready));
    for (const child of children) child.start();
    const results = await Promise.all(children.map((child) => child.done));

    expect(results.map((r) => [r.exitCode, r.outcome?.ok, r.outcome?.code, r.outcome?.message])).toEqual(
      Array.from({ length: 3 }, () => [0, true, undefined, undefined]),
    );
    expect(results.flatMap((r) => r.outcome?.migrations?.applied ?? []).sort()).toEqual(files('migrations-concurrency'));
    const db = new Database(real, { readonly: true });
    try {
      const rows = db.prepare('select name, batch from knexus_migrations where app = ?').all('crowd') as { name: string; batch: number }[];
      expect(rows.map((row) => row.name).sort()).toEqual(files('migrations-concurrency'));
      expect(rows.every((row) => row.batch > 0)).toBe(true);
      expect(db.prepare('select source from race_events order by source').all()).toEqual([
        { source: '002_slow_insert' },
        { source: '01_marker' },
      ]);
    } finally {
      db.close();
    }
    // No lock file beside a link: the lock is the file's own, not each name's.
    expect(existsSync(`${symlink}.knexus-lock`)).toBe(false);
    expect(existsSync(`${hardLink}.knexus-lock`)).toBe(false);
  });

  it('a registration through a symlink waits for the lock taken through the real path', async () => {
    const symlink = join(dir, 'via-symlink.sqlite');
    symlinkSync(real, symlink);
    // Another holder of the knexus lock of the real file (an EXCLUSIVE transaction on its lock file).
    const holder = new Database(`${real}.knexus-lock`);
    holder.exec('begin exclusive');
    const registry = new AppRegistry();
    try {
      await expect(
        registry.registerApp('linked', {
          ...configFor(symlink),
          migrations: { directory: fixture('migrations-concurrency'), lockTimeout: 200 },
        }),
      ).rejects.toMatchObject({ code: 'KNEXUS_ERR_LOCK_TIMEOUT', appName: 'linked' });
    } finally {
      holder.exec('commit');
      holder.close();
      await registry.shutdown();
    }
    expect(existsSync(`${symlink}.knexus-lock`)).toBe(false);
  });
});
