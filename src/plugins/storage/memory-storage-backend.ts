import type { StorageBackend, StoredValue } from './storage-backend.js';
import { counterValue, isExpired } from './storage-value.js';

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

  async getMany(namespace: string, keys: readonly string[]): Promise<Map<string, StoredValue>> {
    const space = this.#data.get(namespace);
    return new Map(keys.flatMap((key) => (space?.has(key) ? [[key, space.get(key)!] as const] : [])));
  }

  async setMany(namespace: string, entries: readonly (readonly [string, StoredValue])[]): Promise<void> {
    for (const [key, value] of entries) await this.set(namespace, key, value);
  }

  async touch(namespace: string, key: string, expiresAt: number | null, now: number): Promise<boolean> {
    const stored = this.#data.get(namespace)?.get(key);
    if (stored === undefined || isExpired(stored, now)) return false;
    this.#data.get(namespace)!.set(key, { value: stored.value, expiresAt });
    return true;
  }

  async increment(namespace: string, key: string, by: number, expiresAt: number | null, now: number): Promise<number> {
    // Synchronous from read to write, so concurrent calls in this process cannot interleave.
    const stored = this.#data.get(namespace)?.get(key);
    const fresh = stored === undefined || isExpired(stored, now);
    const next = counterValue(namespace, key, stored, now) + by;
    let space = this.#data.get(namespace);
    if (space === undefined) this.#data.set(namespace, (space = new Map()));
    space.set(key, { value: JSON.stringify(next), expiresAt: fresh ? expiresAt : stored.expiresAt });
    return next;
  }

  async clear(namespace: string): Promise<void> {
    this.#data.delete(namespace);
  }

  async close(): Promise<void> {}
}
