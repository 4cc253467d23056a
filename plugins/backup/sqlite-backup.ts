import { writeFile } from 'node:fs/promises';
import type { Knex } from 'knex';

/** The part of a better-sqlite3 `Database` a backup uses. */
interface SqliteDatabase {
  backup?(file: string, options?: { progress?: () => number | undefined }): Promise<unknown>;
  serialize?(): Buffer;
}

/** The part of knex's client that hands out raw driver connections. */
interface RawConnectionClient {
  acquireConnection(): Promise<unknown>;
  releaseConnection(connection: unknown): Promise<unknown>;
}

/**
 * Copies a SQLite database to `file` with better-sqlite3's online backup API on one of the app's own
 * pooled connections (so `:memory:` databases work too), stopping between steps when `signal` aborts.
 */
export async function backupSqlite(knex: Knex, file: string, signal: AbortSignal): Promise<void> {
  const client = knex.client as unknown as RawConnectionClient;
  const db = (await client.acquireConnection()) as SqliteDatabase;
  try {
    signal.throwIfAborted();
    if (typeof db.backup === 'function') {
      await db.backup(file, {
        progress: () => {
          signal.throwIfAborted();
          return undefined;
        },
      });
    } else if (typeof db.serialize === 'function') {
      await writeFile(file, db.serialize());
    } else {
      throw new Error('the SQLite driver offers neither backup() nor serialize()');
    }
  } finally {
    await client.releaseConnection(db);
  }
}
