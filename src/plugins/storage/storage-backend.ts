/** One stored value: JSON text and its expiry (epoch ms), if any. */
export interface StoredValue {
  readonly value: string;
  readonly expiresAt: number | null;
}

/**
 * Where plugin storage lives; every call is scoped to one plugin's namespace. Adapters: memory
 * (default) and a `knexus_plugin_storage` table through knex.
 */
export interface StorageBackend {
  /** The stored value, expired or not (expiry is the caller's business). */
  get(namespace: string, key: string): Promise<StoredValue | undefined>;
  /** Inserts or replaces. */
  set(namespace: string, key: string, value: StoredValue): Promise<void>;
  /** Resolves true when the key existed. */
  delete(namespace: string, key: string): Promise<boolean>;
  /** Keys of the namespace that have not expired at `now`. */
  keys(namespace: string, now: number): Promise<string[]>;
  /** The stored values of `keys` that exist (expired or not). */
  getMany(namespace: string, keys: readonly string[]): Promise<Map<string, StoredValue>>;
  /** Inserts or replaces each entry, all or none. */
  setMany(namespace: string, entries: readonly (readonly [string, StoredValue])[]): Promise<void>;
  /** Sets the expiry of a key live at `now`; resolves false when it is missing or expired. */
  touch(namespace: string, key: string, expiresAt: number | null, now: number): Promise<boolean>;
  /**
   * Atomically adds `by` to the number stored under `key` and resolves with the sum; a missing or
   * expired key counts from 0 and gets `expiresAt`. Throws when the stored value is not a number.
   */
  increment(namespace: string, key: string, by: number, expiresAt: number | null, now: number): Promise<number>;
  /** Deletes the whole namespace. */
  clear(namespace: string): Promise<void>;
  /** Releases what the backend opened itself. */
  close(): Promise<void>;
}
