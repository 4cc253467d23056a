/**
 * Runs health cycles every `intervalMs`. The next cycle is scheduled only after the previous one
 * finished, so cycles never overlap, and the timer is `unref()`'d so it never keeps a process alive.
 */
export class HealthMonitor {
  readonly #intervalMs: number;
  readonly #cycle: () => Promise<unknown>;
  #timer: NodeJS.Timeout | undefined;
  #running = false;

  constructor(intervalMs: number, cycle: () => Promise<unknown>) {
    this.#intervalMs = intervalMs;
    this.#cycle = cycle;
  }

  /** True while cycles are scheduled. */
  get running(): boolean {
    return this.#running;
  }

  /** Starts the cycles (no-op if running or the interval is 0). */
  start(): void {
    if (this.#running || this.#intervalMs <= 0) return;
    this.#running = true;
    this.#schedule();
  }

  /** Stops scheduling; a cycle in progress finishes but is not followed by another. */
  stop(): void {
    this.#running = false;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(): void {
    this.#timer = setTimeout(() => {
      // The cycle reports its own failures; a rejection here must not become unhandled.
      this.#cycle()
        .catch(() => undefined)
        .finally(() => {
          if (this.#running) this.#schedule();
        });
    }, this.#intervalMs);
    this.#timer.unref();
  }
}
