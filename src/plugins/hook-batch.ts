import type { Expirable } from './deadline-sweeper.js';
import type { HookCall } from './hook-call.js';

/** Results of one dispatch: plugin name to the non-undefined value its hook returned. */
export type HookResults = Map<string, unknown>;

/**
 * The asynchronous part of one dispatch phase: the calls that returned promises, under one shared
 * deadline, plus follow-up work (failure notifications) the dispatch waits for.
 */
export class HookBatch<H> implements Expirable {
  readonly deadline: number;
  readonly promise: Promise<HookResults | undefined>;
  readonly args: readonly unknown[];
  results: HookResults | undefined;
  readonly #calls: HookCall[] = [];
  readonly #handlers: H[] = [];
  readonly #onExpire: (call: HookCall, handler: H, batch: HookBatch<H>) => void;
  #open = 0;
  #pending = 1; // held by the dispatch loop until seal()
  #resolve!: (results: HookResults | undefined) => void;

  /** Starts a batch whose calls expire at `deadline` through `onExpire`. */
  constructor(
    deadline: number,
    args: readonly unknown[],
    onExpire: (call: HookCall, handler: H, batch: HookBatch<H>) => void,
    results: HookResults | undefined,
  ) {
    this.deadline = deadline;
    this.args = args;
    this.#onExpire = onExpire;
    this.results = results;
    this.promise = new Promise((resolve) => {
      this.#resolve = resolve;
    });
  }

  /** True once every watched call settled, so the sweeper can drop the batch. */
  get done(): boolean {
    return this.#open === 0;
  }

  /** True when at least one call is watched (otherwise the deadline does not matter). */
  get watching(): boolean {
    return this.#calls.length > 0;
  }

  /** Watches an asynchronous call; `settle()` must follow. */
  watch(call: HookCall, handler: H): void {
    this.#calls.push(call);
    this.#handlers.push(handler);
    this.#open++;
    this.#pending++;
  }

  /** Marks a watched call settled. */
  settle(): void {
    this.#open--;
    this.#finish();
  }

  /** Makes the dispatch also wait for `work` (which never rejects). */
  waitFor(work: Promise<unknown>): void {
    this.#pending++;
    void work.then(this.#finish, this.#finish);
  }

  /** Ends the dispatch loop; the promise resolves once everything watched is finished. */
  seal(): void {
    this.#finish();
  }

  /** Times out every call still running. */
  expire(): void {
    const calls = this.#calls;
    for (let i = 0; i < calls.length; i++) {
      const call = calls[i]!;
      if (!call.settled) this.#onExpire(call, this.#handlers[i]!, this);
    }
  }

  /** Calls `fn` on every call still running. */
  forEachOpen(fn: (call: HookCall, handler: H) => void): void {
    const calls = this.#calls;
    for (let i = 0; i < calls.length; i++) {
      const call = calls[i]!;
      if (!call.settled) fn(call, this.#handlers[i]!);
    }
  }

  readonly #finish = (): void => {
    if (--this.#pending === 0) this.#resolve(this.results);
  };
}
