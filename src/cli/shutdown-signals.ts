/** Signals that stop `knexus up` gracefully. */
export const SHUTDOWN_SIGNALS = ['SIGINT', 'SIGTERM'] as const;
/** A signal that stops `knexus up`. */
export type ShutdownSignal = (typeof SHUTDOWN_SIGNALS)[number];

const FORCED_EXIT: Readonly<Record<ShutdownSignal, number>> = { SIGINT: 130, SIGTERM: 143 };

/**
 * Listens for SIGINT/SIGTERM: the first one aborts `signal` (a graceful shutdown follows); a second
 * one exits at once with 128 + the signal number, for when the graceful path hangs.
 */
export class ShutdownSignals {
  readonly #controller = new AbortController();
  readonly #onForcedExit: (signal: ShutdownSignal) => void;
  readonly #handler = (signal: NodeJS.Signals): void => this.#receive(signal as ShutdownSignal);
  #received: ShutdownSignal | undefined;

  /** Starts listening; `onForcedExit` runs (to print a line) just before a second signal exits the process. */
  constructor(onForcedExit: (signal: ShutdownSignal) => void = () => {}) {
    this.#onForcedExit = onForcedExit;
    for (const signal of SHUTDOWN_SIGNALS) process.on(signal, this.#handler);
  }

  /** Aborted by the first signal; its `reason` is the signal name. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** The first signal received, if any. */
  get received(): ShutdownSignal | undefined {
    return this.#received;
  }

  /** Resolves with the first signal; keeps the process alive until then (the registry's own timers are unref'd). */
  wait(): Promise<ShutdownSignal> {
    if (this.#received !== undefined) return Promise.resolve(this.#received);
    const keepAlive = setInterval(() => {}, 1 << 30);
    return new Promise((resolve) => {
      this.#controller.signal.addEventListener('abort', () => {
        clearInterval(keepAlive);
        resolve(this.#received!);
      });
    });
  }

  /** Stops listening. */
  dispose(): void {
    for (const signal of SHUTDOWN_SIGNALS) process.off(signal, this.#handler);
  }

  #receive(signal: ShutdownSignal): void {
    if (this.#received === undefined) {
      this.#received = signal;
      this.#controller.abort(signal);
      return;
    }
    this.#onForcedExit(signal);
    process.exit(FORCED_EXIT[signal]);
  }
}
