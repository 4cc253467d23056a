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
  get(namespace: string, key: string): Promise<StoredValue | undefined>;
  set(namespace: string, key: string, value: StoredValue): Promise<void>;
  delete(namespace: string, key: string): Promise<boolean>;
  /** Keys of the namespace that have not expired at `now`. */
  keys(namespace: string, now: number): Promise<string[]>;
  clear(namespace: string): Promise<void>;
  /** Releases what the backend opened itself. */
  close(): Promise<void>;
}
