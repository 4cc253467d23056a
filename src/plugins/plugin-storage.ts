/** Options of `PluginStorage.set`. */
export interface StorageSetOptions {
  /** Time to live in ms; the entry reads as missing afterwards. Default: no expiry. */
  readonly ttl?: number;
}

/** A plugin's namespaced key-value store (`this.storage`); values are JSON. */
export interface PluginStorage {
  get<T = unknown>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown, options?: StorageSetOptions): Promise<void>;
  delete(key: string): Promise<boolean>;
  /** Live keys, optionally only those starting with `prefix`. */
  list(prefix?: string): Promise<string[]>;
  clear(): Promise<void>;
}
