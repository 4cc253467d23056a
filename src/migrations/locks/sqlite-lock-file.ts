import { chmodSync, mkdirSync, realpathSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { Knex } from 'knex';
import { KnexusError } from '../../errors.js';
import { isBusy, retryWhileBusy, SQLITE_ATTEMPT_MS } from './sqlite-busy.js';

/** Where the lock of one SQLite database file lives, the same for every name that reaches that file. */
export interface SqliteLockTarget {
  /** The in-process queue key: the file's device and inode, or its real path while it does not exist. */
  readonly key: string;
  /** The side file whose EXCLUSIVE transaction is the cross-process lock. */
  readonly path: string;
}

/** The shared folder for lock files of databases with several hard links. */
export const SHARED_LOCK_DIR = join(tmpdir(), 'knexus-locks');

/**
 * The lock target of `filename`, keyed by the file itself rather than by the name it was reached through.
 *
 * Symbolic links are resolved, so the lock file sits beside the real file (`<realpath>.knexus-lock`),
 * where it always was. Hard links have no real path to agree on: a file with several links is locked
 * through `<tmpdir>/knexus-locks/sqlite-<dev>-<ino>.knexus-lock` instead, which every process that shares
 * that temporary folder finds from any of the names (processes with private /tmp folders do not, a limit
 * the README states). The link count belongs to the file, so every name chooses the same place.
 */
export function sqliteLockTarget(filename: string): SqliteLockTarget {
  const real = realPath(filename);
  let stats: { dev: number; ino: number; nlink: number };
  try {
    stats = statSync(real);
  } catch {
    return Object.freeze({ key: real, path: `${real}.knexus-lock` });
  }
  const key = `${stats.dev}:${stats.ino}`;
  if (stats.nlink <= 1) return Object.freeze({ key, path: `${real}.knexus-lock` });
  return Object.freeze({ key, path: join(SHARED_LOCK_DIR, `sqlite-${stats.dev}-${stats.ino}.knexus-lock`) });
}

function realPath(filename: string): string {
  try {
    return realpathSync(filename);
  } catch {
    // Not created yet: resolve its folder, the name inside it is what the file will be.
    try {
      return join(realpathSync(dirname(filename)), basename(filename));
    } catch {
      return filename;
    }
  }
}

/** The part of a better-sqlite3 `Database` the lock file uses. */
interface LockDatabase {
  exec(sql: string): unknown;
  pragma(sql: string): unknown;
  close(): unknown;
}

/** Who takes the lock file, for its errors. */
export interface LockFileOwner {
  readonly appName: string;
  readonly deadline: number;
  readonly timeoutError: Error;
  readonly stop: Parameters<typeof retryWhileBusy>[3];
}

/**
 * Takes the cross-process lock: an EXCLUSIVE transaction on the small side file. SQLite's file locks
 * die with their process, so a holder killed with -9 frees it; waits are 50 ms busy waits with
 * asynchronous backoff between them, up to the deadline. A lock file SQLite cannot use (a folder, a file
 * that is not a database) is `KNEXUS_ERR_LOCK_FILE`, naming it.
 */
export async function takeLockFile(knex: Knex, path: string, owner: LockFileOwner): Promise<{ release(): void }> {
  const Database = (knex.client as unknown as { driver: new (path: string) => LockDatabase }).driver;
  let db: LockDatabase;
  try {
    if (dirname(path) === SHARED_LOCK_DIR) makeSharedDir();
    db = new Database(path);
  } catch (error) {
    throw lockFileError(owner.appName, path, error);
  }
  try {
    db.pragma(`busy_timeout = ${SQLITE_ATTEMPT_MS}`);
    await retryWhileBusy(
      async () => {
        try {
          db.exec('begin exclusive');
        } catch (error) {
          throw isBusy(error) ? error : lockFileError(owner.appName, path, error);
        }
      },
      owner.deadline,
      owner.timeoutError,
      owner.stop,
    );
  } catch (error) {
    db.close();
    throw error;
  }
  return {
    release: () => {
      try {
        db.exec('commit');
      } finally {
        db.close();
      }
    },
  };
}

function makeSharedDir(): void {
  mkdirSync(SHARED_LOCK_DIR, { recursive: true });
  // Sticky and writable by all, like /tmp itself: every user sharing a database must create its lock there.
  try {
    chmodSync(SHARED_LOCK_DIR, 0o1777);
  } catch {
    // Another user created it; they made it shared.
  }
}

function lockFileError(appName: string, path: string, cause: unknown): KnexusError {
  const code = (cause as { code?: unknown } | null)?.code;
  return new KnexusError(
    'KNEXUS_ERR_LOCK_FILE',
    `App '${appName}' cannot use its SQLite lock file ${path} (${typeof code === 'string' ? code : 'unusable'}): knexus creates it as a small ` +
      `SQLite database beside the app's file. It is a folder, not a database, or not writable; remove it (or fix its permissions) ` +
      `while no knexus process runs, and knexus creates it again.`,
    { appName, client: 'better-sqlite3', resolvedPath: path, details: { lockFile: path } },
    cause,
  );
}
