import type { Expirable } from './deadline-sweeper.js';
import type { HookCall } from './hook-call.js';

/** Results of one dispatch: plugin name to the non-undefined value its hook returned. */
export type HookResults = Map<string, unknown>;

const EMPTY: ReadonlyMap<string, unknown> = new Map();
const SETTLED: Promise<void> = Promise.resolve();

/** The shared empty result (no plugin returned anything). */
export function emptyResults(): ReadonlyMap<string, unknown> {
  return EMPTY;
}

/** What a batch calls back into the dispatcher that made it. */
export interface HookBatchOwner<H> {
  /** Times out one call still running at the deadline. */
  expire(call: HookCall, handler: H, batch: HookBatch<H>): void;
  /** The dispatch's first microtask checkpoint ended, and calls that settled in it await `forEachUnstamped()`. */
  waveEnded(batch: HookBatch<H>): void;
  /** Everything the batch waited for is finished. */
  done(batch: HookBatch<H>): void;
}

/**
 * The asynchronous part of one dispatch phase: the calls that returned promises, under one shared
 * deadline, plus follow-up work (failure notifications) the dispatch waits for.
 *
 * Its promise is one reaction queued when the dispatch loop ends. The reactions of calls whose
 * promises had already settled (the usual async hook) were queued before it, so when it runs they
 * have all been handled: it marks the end of that first "wave", where the dispatcher reads the clock
 * once for all of them, and in the common case the dispatch is complete and it returns the results.
 */
export class HookBatch<H> implements Expirable {
  readonly deadline: number;
  readonly args: readonly unknown[];
  results: HookResults | undefined;
  /** True once the dispatch loop ended (a thenable may call back while it still runs). */
  sealed = false;
  /** True until the dispatch's first microtask checkpoint ends (see `seal()`). */
  fresh = true;
  /** How many calls settled while `fresh` and still need their duration recorded. */
  #unstamped = 0;
  readonly #calls: HookCall[] = [];
  readonly #handlers: H[] = [];
  readonly #owner: HookBatchOwner<H>;
  #open = 0;
  #pending = 1; // held by the dispatch loop until its first checkpoint ends
  #resolve: ((results: ReadonlyMap<string, unknown>) => void) | undefined;

  /** Starts a batch whose calls expire at `deadline`. */
  constructor(deadline: number, args: readonly unknown[], results: HookResults | undefined, owner: HookBatchOwner<H>) {
    this.deadline = deadline;
    this.args = args;
    this.results = results;
    this.#owner = owner;
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
    const finish = (): void => this.#finish();
    void work.then(finish, finish);
  }

  /** Ends the dispatch loop; resolves once everything watched is finished. */
  seal(): Promise<ReadonlyMap<string, unknown>> {
    this.sealed = true;
    // Nothing left to wait for (synchronous failures only, or thenables that called back at once): end now.
    if (this.#pending === 1) return Promise.resolve(this.#endWave());
    return SETTLED.then(() => this.#endWave());
  }

  /** Times out every call still running. */
  expire(): void {
    const owner = this.#owner;
    this.forEachOpen((call, handler, batch) => owner.expire(call, handler, batch));
  }

  /** Calls `fn` on every call still running. */
  forEachOpen(fn: (call: HookCall, handler: H, batch: HookBatch<H>) => void): void {
    const calls = this.#calls;
    for (let i = 0; i < calls.length; i++) {
      const call = calls[i]!;
      if (!call.settled) fn(call, this.#handlers[i]!, this);
    }
  }

  /** Records `call`'s duration when the first checkpoint ends, with one clock reading for all of them. */
  stampLater(call: HookCall): void {
    call.unstamped = true;
    this.#unstamped++;
  }

  /** Calls `fn(call, handler, now)` on every call that settled while the batch was fresh and is not stamped yet. */
  forEachUnstamped(now: number, fn: (call: HookCall, handler: H, now: number) => void): void {
    const calls = this.#calls;
    for (let i = 0; i < calls.length; i++) {
      const call = calls[i]!;
      if (call.unstamped) {
        call.unstamped = false;
        fn(call, this.#handlers[i]!, now);
      }
    }
    this.#unstamped = 0;
  }

  #endWave(): ReadonlyMap<string, unknown> | Promise<ReadonlyMap<string, unknown>> {
    this.fresh = false;
    if (this.#unstamped > 0) this.#owner.waveEnded(this);
    if (--this.#pending === 0) {
      this.#owner.done(this);
      return this.results ?? EMPTY;
    }
    return new Promise((resolve) => {
      this.#resolve = resolve;
    });
  }

  #finish(): void {
    if (--this.#pending !== 0) return;
    this.#owner.done(this);
    // The loop's hold is released only in #endWave, which set #resolve when work remained.
    this.#resolve!(this.results ?? EMPTY);
  }
}
