import pTimeout from 'p-timeout';

/**
 * An in-process queue per key: callers with the same key run one at a time, in arrival order.
 *
 * A waiter that gives up (its deadline passes) leaves the queue without blocking the ones behind it.
 */
export class KeyedMutex {
  #tails = new Map<unknown, Promise<void>>();

  /**
   * Runs `work` once every earlier holder of `key` is done; throws the error `timeoutError` creates if
   * that takes past `deadline` (a `performance.now()` time). The error is only built when there is
   * someone to wait for, still before waiting, so its stack shows the caller.
   */
  async run<T>(key: unknown, deadline: number, timeoutError: () => Error, work: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key);
    let release!: () => void;
    const done = new Promise<void>((resolve) => (release = resolve));
    // The next waiter waits for us and, if we gave up early, still for whoever we were waiting on.
    const tail = previous === undefined ? done : previous.then(() => done);
    this.#tails.set(key, tail);
    try {
      if (previous !== undefined) {
        await pTimeout(previous, { milliseconds: Math.max(0, deadline - performance.now()), message: timeoutError() });
      }
      return await work();
    } finally {
      release();
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    }
  }
}
