import type { StorageBackend, StoredValue } from './storage-backend.js';

/** Plugin storage in process memory: survives `reloadPlugin()`, not a restart. The default. */
export class MemoryStorageBackend implements StorageBackend {
  readonly #data = new Map<string, Map<string, StoredValue>>();

  async get(namespace: string, key: string): Promise<StoredValue | undefined> {
    return this.#data.get(namespace)?.get(key);
  }

  async set(namespace: string, key: string, value: StoredValue): Promise<void> {
    let space = this.#data.get(namespace);
    if (space === undefined) this.#data.set(namespace, (space = new Map()));
    space.set(key, value);
  }

  async delete(namespace: string, key: string): Promise<boolean> {
    return this.#data.get(namespace)?.delete(key) ?? false;
  }

  async keys(namespace: string, now: number): Promise<string[]> {
    const space = this.#data.get(namespace);
    if (space === undefined) return [];
    return [...space].filter(([, v]) => v.expiresAt === null || v.expiresAt > now).map(([k]) => k);
  }

  async clear(namespace: string): Promise<void> {
    this.#data.delete(namespace);
  }

  async close(): Promise<void> {}
}
