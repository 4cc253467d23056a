import type { Knex } from 'knex';
import type { StorageBackend, StoredValue } from './storage-backend.js';
import { counterValue } from './storage-value.js';

/** The table plugin storage uses in the storage database. */
export const PLUGIN_STORAGE_TABLE = 'knexus_plugin_storage';

interface Row {
  plugin: string;
  key: string;
  value: string;
  expires_at: number | string | null;
}

const ready = new WeakMap<Knex, Promise<void>>();
/** SQLite locks the whole database on the first write, so it needs (and supports) no `FOR UPDATE`. */
const SQLITE_CLIENTS: ReadonlySet<unknown> = new Set(['better-sqlite3', 'sqlite3', 'sqlite']);

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

const DEADLOCK_RETRIES = 10;

/** MySQL/MariaDB ER_LOCK_DEADLOCK, PostgreSQL deadlock_detected. */
function isDeadlock(error: unknown): boolean {
  const { errno, code } = error as { errno?: unknown; code?: unknown };
  return errno === 1213 || code === '40P01';
}

function stored(row: Row): StoredValue {
  return { value: row.value, expiresAt: row.expires_at === null ? null : Number(row.expires_at) };
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
    return row === undefined ? undefined : stored(row);
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

  async getMany(namespace: string, keys: readonly string[]): Promise<Map<string, StoredValue>> {
    if (keys.length === 0) return new Map();
    const knex = await this.#knex();
    const rows: Row[] = await knex<Row>(PLUGIN_STORAGE_TABLE)
      .where({ plugin: namespace })
      .whereIn('key', [...keys])
      .select();
    return new Map(rows.map((row) => [row.key, stored(row)]));
  }

  async setMany(namespace: string, entries: readonly (readonly [string, StoredValue])[]): Promise<void> {
    if (entries.length === 0) return;
    const knex = await this.#knex();
    // The last write of a key wins, as with repeated set(); one statement, so all or none.
    const rows = new Map(entries.map(([key, value]) => [key, { plugin: namespace, key, value: value.value, expires_at: value.expiresAt }]));
    await knex<Row>(PLUGIN_STORAGE_TABLE)
      .insert([...rows.values()])
      .onConflict(['plugin', 'key'])
      .merge(['value', 'expires_at']);
  }

  async touch(namespace: string, key: string, expiresAt: number | null, now: number): Promise<boolean> {
    const knex = await this.#knex();
    const updated = await knex<Row>(PLUGIN_STORAGE_TABLE)
      .where({ plugin: namespace, key })
      .andWhere((q: Knex.QueryBuilder) => q.whereNull('expires_at').orWhere('expires_at', '>', now))
      .update({ expires_at: expiresAt });
    return updated > 0;
  }

  async increment(namespace: string, key: string, by: number, expiresAt: number | null, now: number): Promise<number> {
    const knex = await this.#knex();
    // InnoDB (and, rarely, PostgreSQL) resolve two first increments of one key by failing one as a
    // deadlock; running it again is the documented remedy, and then it finds the row.
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#incrementOnce(knex, namespace, key, by, expiresAt, now);
      } catch (error) {
        if (attempt >= DEADLOCK_RETRIES || !isDeadlock(error)) throw error;
      }
    }
  }

  async #incrementOnce(knex: Knex, namespace: string, key: string, by: number, expiresAt: number | null, now: number): Promise<number> {
    const sqlite = SQLITE_CLIENTS.has(knex.client.config.client);
    return knex.transaction(async (trx) => {
      const table = () => trx<Row>(PLUGIN_STORAGE_TABLE).where({ plugin: namespace, key });
      const insertMissing = () =>
        trx<Row>(PLUGIN_STORAGE_TABLE)
          .insert({ plugin: namespace, key, value: '0', expires_at: expiresAt })
          .onConflict(['plugin', 'key'])
          .ignore();
      let row: Row | undefined;
      if (sqlite) {
        // Writing first takes SQLite's write lock before the read, so two processes cannot both read the old value.
        await insertMissing();
        row = (await table().first()) as Row | undefined;
      } else {
        // Lock the row first (concurrent increments of an existing key queue here); create it only when missing.
        row = (await table().forUpdate().first()) as Row | undefined;
        if (row === undefined) {
          await insertMissing();
          row = (await table().forUpdate().first()) as Row | undefined;
        }
      }
      const current = stored(row!);
      const fresh = current.expiresAt !== null && current.expiresAt <= now;
      const next = counterValue(namespace, key, current, now) + by;
      await table().update({ value: JSON.stringify(next), expires_at: fresh ? expiresAt : current.expiresAt });
      return next;
    });
  }

  async clear(namespace: string): Promise<void> {
    const knex = await this.#knex();
    await knex<Row>(PLUGIN_STORAGE_TABLE).where({ plugin: namespace }).delete();
  }

  async close(): Promise<void> {
    await this.#close?.();
  }
}
