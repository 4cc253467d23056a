/** One operation that started and has not been recorded yet. */
export interface InFlightOperation<T> {
  readonly value: T;
  /** Milliseconds since it started. */
  readonly elapsedMs: number;
}

/**
 * Operations that started and wait for their outcome, keyed (`migrations:blog`), first in first out,
 * so two runs of the same operation on one app that overlap are each timed from their own start.
 */
export class InFlightOperations<T = null> {
  readonly #started = new Map<string, { value: T; at: number }[]>();

  /** Notes that an operation under `key` started now, with what its outcome record needs. */
  start(key: string, value: T): void {
    const queue = this.#started.get(key);
    const entry = { value, at: performance.now() };
    if (queue === undefined) this.#started.set(key, [entry]);
    else queue.push(entry);
  }

  /** Removes and returns the oldest operation under `key`, or undefined when none started (e.g. before the plugin loaded). */
  finish(key: string): InFlightOperation<T> | undefined {
    const queue = this.#started.get(key);
    const entry = queue?.shift();
    if (queue?.length === 0) this.#started.delete(key);
    return entry === undefined ? undefined : { value: entry.value, elapsedMs: performance.now() - entry.at };
  }
}
