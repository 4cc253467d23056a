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
  /** Deletes the whole namespace. */
  clear(namespace: string): Promise<void>;
  /** Releases what the backend opened itself. */
  close(): Promise<void>;
}
