interface Waiting {
  readonly rank: number;
  readonly start: () => void;
}

/**
 * A sliding window of at most `concurrency` running tasks: a finished task's slot is refilled at
 * once. Unlike a FIFO queue (p-limit), the next task is the waiting one with the lowest `rank`, so a
 * plugin whose dependencies just loaded goes ahead of plugins later in the config.
 */
export class LoadWindow {
  readonly #concurrency: number;
  readonly #waiting: Waiting[] = [];
  #active = 0;
  #peak = 0;

  /** Creates a window of `concurrency` slots (at least 1). */
  constructor(concurrency: number) {
    this.#concurrency = Math.max(1, Math.floor(concurrency));
  }

  /** Tasks running now. */
  get activeCount(): number {
    return this.#active;
  }

  /** Tasks waiting for a slot. */
  get pendingCount(): number {
    return this.#waiting.length;
  }

  /** The most tasks that ever ran at once. */
  get peak(): number {
    return this.#peak;
  }

  /** Runs `task` in a slot; lower `rank` starts first among waiting tasks. */
  run<T>(rank: number, task: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const start = (): void => {
        this.#active++;
        if (this.#active > this.#peak) this.#peak = this.#active;
        let running: Promise<T>;
        try {
          running = task();
        } catch (error) {
          running = Promise.reject(error);
        }
        running.then(resolve, reject).finally(() => {
          this.#active--;
          this.#next();
        });
      };
      let at = this.#waiting.length;
      while (at > 0 && this.#waiting[at - 1]!.rank > rank) at--;
      this.#waiting.splice(at, 0, { rank, start });
      this.#next();
    });
  }

  #next(): void {
    while (this.#active < this.#concurrency && this.#waiting.length > 0) this.#waiting.shift()!.start();
  }
}
