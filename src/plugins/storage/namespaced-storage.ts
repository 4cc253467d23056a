import { KnexusError } from '../../errors.js';
import type { PluginStorage, StorageSetOptions } from './plugin-storage.js';
import type { StorageBackend } from './storage-backend.js';
import { isExpired } from './storage-value.js';

function expiresAt(options: StorageSetOptions): number | null {
  const { ttl } = options;
  return ttl === undefined || !Number.isFinite(ttl) ? null : Date.now() + Math.max(0, ttl);
}

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
    if (isExpired(stored, Date.now())) {
      await this.#backend.delete(this.#namespace, key);
      return undefined;
    }
    return JSON.parse(stored.value) as T;
  }

  async set(key: string, value: unknown, options: StorageSetOptions = {}): Promise<void> {
    await this.#backend.set(this.#namespace, key, { value: this.#json(key, value), expiresAt: expiresAt(options) });
  }

  async has(key: string): Promise<boolean> {
    const stored = await this.#backend.get(this.#namespace, key);
    return stored !== undefined && !isExpired(stored, Date.now());
  }

  async touch(key: string, options: StorageSetOptions = {}): Promise<boolean> {
    return this.#backend.touch(this.#namespace, key, expiresAt(options), Date.now());
  }

  async increment(key: string, by = 1, options: StorageSetOptions = {}): Promise<number> {
    if (typeof by !== 'number' || !Number.isFinite(by)) {
      throw new KnexusError('KNEXUS_ERR_PLUGIN_STORAGE', `Cannot increment '${key}' by ${String(by)}: give a finite number`, {
        pluginName: this.#namespace,
        details: { key },
      });
    }
    return this.#backend.increment(this.#namespace, key, by, expiresAt(options), Date.now());
  }

  async getMany<T = unknown>(keys: Iterable<string>): Promise<Map<string, T>> {
    const wanted = [...new Set(keys)];
    const found = await this.#backend.getMany(this.#namespace, wanted);
    const now = Date.now();
    const out = new Map<string, T>();
    for (const key of wanted) {
      const stored = found.get(key);
      if (stored !== undefined && !isExpired(stored, now)) out.set(key, JSON.parse(stored.value) as T);
    }
    return out;
  }

  async setMany(
    entries: Readonly<Record<string, unknown>> | Iterable<readonly [string, unknown]>,
    options: StorageSetOptions = {},
  ): Promise<void> {
    const pairs = Symbol.iterator in entries ? [...(entries as Iterable<readonly [string, unknown]>)] : Object.entries(entries);
    // Serialize everything first: one bad value stores nothing.
    const expiry = expiresAt(options);
    const values = pairs.map(([key, value]) => [key, { value: this.#json(key, value), expiresAt: expiry }] as const);
    await this.#backend.setMany(this.#namespace, values);
  }

  #json(key: string, value: unknown): string {
    const json = JSON.stringify(value);
    if (json === undefined) {
      throw new KnexusError('KNEXUS_ERR_INVALID_CONFIG', `Plugin storage cannot store ${typeof value} under '${key}'`, {
        pluginName: this.#namespace,
        field: key,
      });
    }
    return json;
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
