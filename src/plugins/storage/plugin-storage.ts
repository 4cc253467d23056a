/** Options of `PluginStorage.set`. */
export interface StorageSetOptions {
  /** Time to live in ms; the entry reads as missing afterwards. Default: no expiry. */
  readonly ttl?: number;
}

/**
 * A plugin's namespaced key-value store (`this.storage`). Values are stored as JSON; where they
 * live is `pluginManager.storage` (memory by default, or a `knexus_plugin_storage` table).
 */
export interface PluginStorage {
  /** The value stored under `key`, or undefined when missing or expired. */
  get<T = unknown>(key: string): Promise<T | undefined>;
  /** Stores a JSON-serializable `value` under `key`, replacing any previous one. */
  set(key: string, value: unknown, options?: StorageSetOptions): Promise<void>;
  /** Deletes `key`; resolves true when it existed. */
  delete(key: string): Promise<boolean>;
  /** Live keys, optionally only those starting with `prefix`. */
  list(prefix?: string): Promise<string[]>;
  /** True when `key` holds a value that has not expired. */
  has(key: string): Promise<boolean>;
  /** Renews the expiry of a live key: `ttl` ms from now, or none without `ttl`; resolves false when it is missing or expired. */
  touch(key: string, options?: StorageSetOptions): Promise<boolean>;
  /**
   * Atomically adds `by` (default 1) to the number under `key` and resolves with the result, even
   * across processes sharing a storage database. A missing or expired key counts from 0 and gets
   * `ttl` (a fixed window: later increments keep its expiry). A non-number value is KNEXUS_ERR_PLUGIN_STORAGE.
   */
  increment(key: string, by?: number, options?: StorageSetOptions): Promise<number>;
  /** The live values of `keys`, in a map without the missing or expired ones. */
  getMany<T = unknown>(keys: Iterable<string>): Promise<Map<string, T>>;
  /** Stores every entry (an object or `[key, value]` pairs) with the same options, all or none. */
  setMany(entries: Readonly<Record<string, unknown>> | Iterable<readonly [string, unknown]>, options?: StorageSetOptions): Promise<void>;
  /** Deletes every key of this plugin. */
  clear(): Promise<void>;
}
