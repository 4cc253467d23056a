import { resolve } from 'node:path';
import knexFactory, { type Knex } from 'knex';
import { KnexusError } from '../../errors.js';
import { KnexStorageBackend } from './knex-storage-backend.js';
import { MemoryStorageBackend } from './memory-storage-backend.js';
import type { PluginContext } from '../plugin.js';
import type { StorageBackend } from './storage-backend.js';
import { sqliteFilePath } from '../../util/sqlite-file-path.js';

const SQLITE_CLIENTS: ReadonlySet<unknown> = new Set(['better-sqlite3', 'sqlite3', 'sqlite']);

/**
 * The backend for `pluginManager.storage`: memory when unset; an app name, looked up on each use
 * (plugins load before apps register); or a knex config, opened on first use and closed by `close()`.
 * A relative SQLite file name in that config is resolved against `baseDir`, as app databases are.
 */
export function createStorageBackend(option: string | Knex.Config | undefined, host: PluginContext, baseDir: string): StorageBackend {
  if (option === undefined) return new MemoryStorageBackend();
  if (typeof option === 'string') return new KnexStorageBackend(() => host.getApp(option).knex);
  const config = resolveSqliteFile(option, baseDir);
  let knex: Knex | undefined;
  let closed = false;
  return new KnexStorageBackend(
    () => {
      if (closed) {
        throw new KnexusError('KNEXUS_ERR_SHUTTING_DOWN', 'Plugin storage is closed: the plugin system has shut down', {
          phase: 'storage',
        });
      }
      return (knex ??= knexFactory(config));
    },
    async () => {
      closed = true;
      await knex?.destroy();
      knex = undefined;
    },
  );
}

/** `config` with a relative SQLite `connection.filename` made absolute (not `:memory:`, `''` or a `file:` URI). */
function resolveSqliteFile(config: Knex.Config, baseDir: string): Knex.Config {
  const { client, connection } = config;
  if (!SQLITE_CLIENTS.has(client) || connection === null || typeof connection !== 'object') return config;
  const filename = sqliteFilePath((connection as { filename?: unknown }).filename);
  if (filename === undefined) return config;
  return { ...config, connection: { ...connection, filename: resolve(baseDir, filename) } as Knex.StaticConnectionConfig };
}
