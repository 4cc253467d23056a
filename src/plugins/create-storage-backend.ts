import knexFactory, { type Knex } from 'knex';
import { KnexStorageBackend } from './knex-storage-backend.js';
import { MemoryStorageBackend } from './memory-storage-backend.js';
import type { PluginHost } from './plugin-host.js';
import type { StorageBackend } from './storage-backend.js';

/**
 * The backend for `pluginManager.storage`: memory when unset; an app name, looked up on each use
 * (plugins load before apps register); or a knex config, opened on first use and closed by `close()`.
 */
export function createStorageBackend(option: string | Knex.Config | undefined, host: PluginHost): StorageBackend {
  if (option === undefined) return new MemoryStorageBackend();
  if (typeof option === 'string') return new KnexStorageBackend(() => host.getApp(option).knex);
  let knex: Knex | undefined;
  return new KnexStorageBackend(
    () => (knex ??= knexFactory(option)),
    async () => {
      const opened = knex;
      knex = undefined;
      await opened?.destroy();
    },
  );
}
