import type { HookContext, HookName } from './hook-map.js';

/**
 * One plugin's call of one hook: the `context` the plugin receives, and the dispatcher's record
 * of that call. The `AbortSignal` is created only when the plugin reads `signal`, since most hooks
 * never look at it and an `AbortController` per call would dominate the cost of a dispatch.
 */
export class HookCall implements HookContext {
  readonly hook: HookName;
  readonly pluginName: string;
  /** @internal `performance.now()` when the call started. */
  readonly startedAt: number;
  /** @internal Set once the call returned, failed or timed out; later outcomes are ignored. */
  settled = false;
  /** @internal Settled in the dispatch's first checkpoint; its duration is recorded when that ends. */
  unstamped = false;
  #controller: AbortController | undefined;
  #reason: Error | undefined;

  /** @internal Made by the dispatcher only. */
  constructor(hook: HookName, pluginName: string, startedAt: number) {
    this.hook = hook;
    this.pluginName = pluginName;
    this.startedAt = startedAt;
  }

  /** Aborts when this call exceeds `hookTimeout` or the plugin system shuts down. */
  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#reason !== undefined) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  /** @internal Aborts the signal (now, or as soon as it is read) with `reason`. */
  abort(reason: Error): void {
    if (this.#reason !== undefined) return;
    this.#reason = reason;
    this.#controller?.abort(reason);
  }
}
