import type { PlacementStore } from './placement-store.js';

/**
 * Placement held in this process only: for tests and for a fixed map you pass in. Lost at exit, so a
 * tenant placed by it alone would be placed again (maybe elsewhere) on the next boot.
 */
export class MemoryPlacement implements PlacementStore {
  readonly #servers: Map<string, string>;

  constructor(initial: Readonly<Record<string, string>> = {}) {
    this.#servers = new Map(Object.entries(initial));
  }

  get(name: string): string | undefined {
    return this.#servers.get(name);
  }

  getMany(names: readonly string[]): Map<string, string> {
    const found = new Map<string, string>();
    for (const name of names) {
      const server = this.#servers.get(name);
      if (server !== undefined) found.set(name, server);
    }
    return found;
  }

  set(name: string, server: string): void {
    this.#servers.set(name, server);
  }

  claim(name: string, server: string): string {
    const placed = this.#servers.get(name);
    if (placed !== undefined) return placed;
    this.#servers.set(name, server);
    return server;
  }

  counts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const server of this.#servers.values()) counts[server] = (counts[server] ?? 0) + 1;
    return counts;
  }
}
