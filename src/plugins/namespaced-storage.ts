import { KnexusError } from '../errors.js';
import type { PluginStorage, StorageSetOptions } from './plugin-storage.js';
import type { StorageBackend } from './storage-backend.js';

/** One plugin's `this.storage`: JSON values with optional TTL, in the plugin's own namespace. */
export class NamespacedStorage implements PluginStorage {
  readonly #backend: StorageBackend;
  readonly #namespace: string;

  /** Storage for `namespace` (the plugin's name) on `backend`. */
  constructor(backend: StorageBackend, namespace: string) {
    this.#backend = backend;
    this.#namespace = namespace;
  }

  async get<T = unknown>(key: string): Promise<T | undefined> {
    const stored = await this.#backend.get(this.#namespace, key);
    if (stored === undefined) return undefined;
    if (stored.expiresAt !== null && stored.expiresAt <= Date.now()) {
      await this.#backend.delete(this.#namespace, key);
      return undefined;
    }
    return JSON.parse(stored.value) as T;
  }

  async set(key: string, value: unknown, options: StorageSetOptions = {}): Promise<void> {
    const json = JSON.stringify(value);
    if (json === undefined) {
      throw new KnexusError('KNEXUS_ERR_INVALID_CONFIG', `Plugin storage cannot store ${typeof value} under '${key}'`, {
        pluginName: this.#namespace,
        field: key,
      });
    }
    const { ttl } = options;
    const expiresAt = ttl === undefined || !Number.isFinite(ttl) ? null : Date.now() + Math.max(0, ttl);
    await this.#backend.set(this.#namespace, key, { value: json, expiresAt });
  }

  async delete(key: string): Promise<boolean> {
    return this.#backend.delete(this.#namespace, key);
  }

  async list(prefix?: string): Promise<string[]> {
    const keys = await this.#backend.keys(this.#namespace, Date.now());
    return prefix === undefined ? keys : keys.filter((k) => k.startsWith(prefix));
  }

  async clear(): Promise<void> {
    await this.#backend.clear(this.#namespace);
  }
}
