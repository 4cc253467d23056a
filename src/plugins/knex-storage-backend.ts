import type { Knex } from 'knex';
import type { StorageBackend, StoredValue } from './storage-backend.js';

/** The table plugin storage uses in the storage database. */
export const PLUGIN_STORAGE_TABLE = 'knexus_plugin_storage';

interface Row {
  plugin: string;
  key: string;
  value: string;
  expires_at: number | string | null;
}

const ready = new WeakMap<Knex, Promise<void>>();

function ensureTable(knex: Knex): Promise<void> {
  let promise = ready.get(knex);
  if (promise === undefined) {
    promise = (async () => {
      if (await knex.schema.hasTable(PLUGIN_STORAGE_TABLE)) return;
      try {
        await knex.schema.createTable(PLUGIN_STORAGE_TABLE, (table) => {
          table.string('plugin', 191).notNullable();
          table.string('key', 191).notNullable();
          table.text('value').notNullable();
          table.bigInteger('expires_at').nullable();
          table.primary(['plugin', 'key']);
        });
      } catch (error) {
        // Another process may have created it between the check and the create.
        if (!(await knex.schema.hasTable(PLUGIN_STORAGE_TABLE))) throw error;
      }
    })();
    promise.catch(() => ready.delete(knex));
    ready.set(knex, promise);
  }
  return promise;
}

/**
 * Plugin storage in a `knexus_plugin_storage` table, so state survives reloads and restarts.
 * `resolveKnex` is called on every operation: the storage app may register after plugins load.
 */
export class KnexStorageBackend implements StorageBackend {
  readonly #resolveKnex: () => Knex;
  readonly #close: (() => Promise<void>) | undefined;

  /** `close` is given when the backend opened the connection itself and must destroy it. */
  constructor(resolveKnex: () => Knex, close?: () => Promise<void>) {
    this.#resolveKnex = resolveKnex;
    this.#close = close;
  }

  /** The knex to use, once the table exists. (Never resolve a query builder: it is a thenable.) */
  async #knex(): Promise<Knex> {
    const knex = this.#resolveKnex();
    await ensureTable(knex);
    return knex;
  }

  async get(namespace: string, key: string): Promise<StoredValue | undefined> {
    const knex = await this.#knex();
    const row = await knex<Row>(PLUGIN_STORAGE_TABLE).where({ plugin: namespace, key }).first();
    if (row === undefined) return undefined;
    return { value: row.value, expiresAt: row.expires_at === null ? null : Number(row.expires_at) };
  }

  async set(namespace: string, key: string, value: StoredValue): Promise<void> {
    const knex = await this.#knex();
    await knex<Row>(PLUGIN_STORAGE_TABLE)
      .insert({ plugin: namespace, key, value: value.value, expires_at: value.expiresAt })
      .onConflict(['plugin', 'key'])
      .merge(['value', 'expires_at']);
  }

  async delete(namespace: string, key: string): Promise<boolean> {
    const knex = await this.#knex();
    return (await knex<Row>(PLUGIN_STORAGE_TABLE).where({ plugin: namespace, key }).delete()) > 0;
  }

  async keys(namespace: string, now: number): Promise<string[]> {
    const knex = await this.#knex();
    const rows: Pick<Row, 'key'>[] = await knex<Row>(PLUGIN_STORAGE_TABLE)
      .where({ plugin: namespace })
      .andWhere((q: Knex.QueryBuilder) => q.whereNull('expires_at').orWhere('expires_at', '>', now))
      .orderBy('key')
      .select('key');
    return rows.map((r) => r.key);
  }

  async clear(namespace: string): Promise<void> {
    const knex = await this.#knex();
    await knex<Row>(PLUGIN_STORAGE_TABLE).where({ plugin: namespace }).delete();
  }

  async close(): Promise<void> {
    await this.#close?.();
  }
}
