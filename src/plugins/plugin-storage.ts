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
  /** Deletes every key of this plugin. */
  clear(): Promise<void>;
}
