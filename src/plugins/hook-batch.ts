import type { Expirable } from './deadline-sweeper.js';
import type { HookCall } from './hook-call.js';

/** Results of one dispatch: plugin name to the non-undefined value its hook returned. */
export type HookResults = Map<string, unknown>;

const EMPTY: ReadonlyMap<string, unknown> = new Map();

/** The shared empty result (no plugin returned anything). */
export function emptyResults(): ReadonlyMap<string, unknown> {
  return EMPTY;
}

/**
 * The asynchronous part of one dispatch phase: the calls that returned promises, under one shared
 * deadline, plus follow-up work (failure notifications) the dispatch waits for.
 */
export class HookBatch<H> implements Expirable {
  readonly deadline: number;
  readonly args: readonly unknown[];
  readonly promise: Promise<ReadonlyMap<string, unknown>>;
  results: HookResults | undefined;
  readonly #calls: HookCall[] = [];
  readonly #handlers: H[] = [];
  readonly #onExpire: (call: HookCall, handler: H, batch: HookBatch<H>) => void;
  readonly #onDone: (batch: HookBatch<H>) => void;
  #open = 0;
  #pending = 1; // held by the dispatch loop until seal()
  #resolve!: (results: ReadonlyMap<string, unknown>) => void;

  /** Starts a batch whose calls expire at `deadline` through `onExpire`; `onDone` runs once everything finished. */
  constructor(
    deadline: number,
    args: readonly unknown[],
    results: HookResults | undefined,
    onExpire: (call: HookCall, handler: H, batch: HookBatch<H>) => void,
    onDone: (batch: HookBatch<H>) => void,
  ) {
    this.deadline = deadline;
    this.args = args;
    this.results = results;
    this.#onExpire = onExpire;
    this.#onDone = onDone;
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
    this.forEachOpen(this.#onExpire);
  }

  /** Calls `fn` on every call still running. */
  forEachOpen(fn: (call: HookCall, handler: H, batch: HookBatch<H>) => void): void {
    const calls = this.#calls;
    for (let i = 0; i < calls.length; i++) {
      const call = calls[i]!;
      if (!call.settled) fn(call, this.#handlers[i]!, this);
    }
  }

  readonly #finish = (): void => {
    if (--this.#pending !== 0) return;
    this.#onDone(this);
    this.#resolve(this.results ?? EMPTY);
  };
}
