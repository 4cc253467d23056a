/**
 * One run per key at a time: callers asking for a key already in flight share its promise. A settled run
 * is forgotten, so a failure is retried by the next caller instead of being cached.
 */
export class SingleFlight<K, V> {
  readonly #inFlight = new Map<K, Promise<V>>();

  /** The promise of the run in flight for `key`, or of a new `run()`. */
  run(key: K, run: () => Promise<V>): Promise<V> {
    const existing = this.#inFlight.get(key);
    if (existing !== undefined) return existing;
    const promise = run().finally(() => {
      if (this.#inFlight.get(key) === promise) this.#inFlight.delete(key);
    });
    this.#inFlight.set(key, promise);
    return promise;
  }

  /** True while a run for `key` is in flight. */
  has(key: K): boolean {
    return this.#inFlight.has(key);
  }

  /** How many keys are in flight. */
  get size(): number {
    return this.#inFlight.size;
  }
}
