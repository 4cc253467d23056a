import knexFactory, { type Knex } from 'knex';
import { KnexusError } from '../errors.js';
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
  let closed = false;
  return new KnexStorageBackend(
    () => {
      if (closed) {
        throw new KnexusError('KNEXUS_ERR_SHUTTING_DOWN', 'Plugin storage is closed: the plugin system has shut down', {
          phase: 'storage',
        });
      }
      return (knex ??= knexFactory(option));
    },
    async () => {
      closed = true;
      await knex?.destroy();
      knex = undefined;
    },
  );
}
