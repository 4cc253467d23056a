import type { KnexusError } from '../../errors.js';
import { DeadlineSweeper } from './deadline-sweeper.js';
import { HookBatch, emptyResults, type HookBatchOwner, type HookResults } from './hook-batch.js';
import { coarseNow } from './coarse-clock.js';
import { HookCall } from './hook-call.js';
import { buildHookHandlers, type HookHandler as Handler, type HookPhases } from './hook-handlers.js';
import type { HookName } from './hook-map.js';
import { invokeHook } from './invoke-hook.js';
import { hookFailedError, hookTimeoutError } from '../plugin-errors.js';
import type { PluginRecord } from '../plugin-record.js';

/** Reports one failed or timed-out call; may return follow-up work the dispatch should wait for. */
export type HookFailureReporter = (
  record: PluginRecord,
  hook: HookName,
  appName: string | undefined,
  error: KnexusError,
) => Promise<unknown> | undefined;

/** Options of `HookDispatcher`. */
export interface HookDispatcherOptions {
  /** Per-call budget in ms; 0 or Infinity turns timeouts off. */
  readonly hookTimeout: number;
  /** Measure call durations. */
  readonly measure: boolean;
  readonly onFailure: HookFailureReporter;
}

const EMPTY = emptyResults();
const EMPTY_PROMISE: Promise<ReadonlyMap<string, unknown>> = Promise.resolve(EMPTY);

/**
 * Calls one hook on every active plugin that implements it, each call isolated: a synchronous throw,
 * a rejection or a timeout is reported, never propagated. Synchronous results stay synchronous, a
 * single sweeper timer enforces every deadline, and handler lists are precomputed per hook, so a
 * plugin that lacks a hook costs nothing for it.
 */
export class HookDispatcher {
  readonly #options: HookDispatcherOptions;
  readonly #sweeper = new DeadlineSweeper();
  #phases = new Map<HookName, HookPhases>();
  /** Batches without a deadline (hookTimeout 0); the others are tracked by the sweeper. */
  readonly #untimed = new Set<HookBatch<Handler>>();

  /** Creates a dispatcher with no handlers. */
  constructor(options: HookDispatcherOptions) {
    this.#options = options;
  }

  /** Rebuilds every hook's handler lists from the loaded plugins (only active ones get calls). */
  rebuild(records: Iterable<PluginRecord>): void {
    this.#phases = buildHookHandlers(records);
  }

  /** True when at least one active plugin implements `hook`. */
  handles(hook: HookName): boolean {
    return (this.#phases.get(hook)?.length ?? 0) > 0;
  }

  /** Calls `hook` with `args` (plus a context) on every handler; never rejects. */
  dispatch(hook: HookName, args: readonly unknown[]): Promise<ReadonlyMap<string, unknown>> {
    const phases = this.#phases.get(hook);
    if (phases === undefined || phases.length === 0) return EMPTY_PROMISE;
    const out = phases.length === 1 ? this.#runPhase(hook, phases[0]!, args, undefined) : this.#run(hook, phases, 0, args, undefined);
    return out instanceof Promise ? out : Promise.resolve(out ?? EMPTY);
  }

  /**
   * Aborts the signal of every call still running and stops waiting for them (at shutdown), so no
   * dispatch is left pending; their late results are ignored and not reported as failures.
   */
  abortAll(reason: Error): void {
    const abort = (call: HookCall, handler: Handler, batch: HookBatch<Handler>): void => {
      call.settled = true;
      call.abort(reason);
      handler.record.callFinished();
      batch.settle();
    };
    const batches: HookBatch<Handler>[] = [...this.#untimed];
    this.#sweeper.forEachPending((item) => batches.push(item as HookBatch<Handler>));
    for (const batch of batches) batch.forEachOpen(abort);
  }

  /** Stops the sweeper timer. */
  close(): void {
    this.#sweeper.clear();
  }

  /** Runs phases in order (pre, normal, post); each phase's calls run concurrently. */
  #run(
    hook: HookName,
    phases: HookPhases,
    index: number,
    args: readonly unknown[],
    results: HookResults | undefined,
  ): HookResults | undefined | Promise<ReadonlyMap<string, unknown>> {
    for (let i = index; i < phases.length; i++) {
      const out = this.#runPhase(hook, phases[i]!, args, results);
      if (out instanceof Promise) {
        if (i + 1 === phases.length) return out;
        return out.then((r) => {
          const next = this.#run(hook, phases, i + 1, args, r === EMPTY ? undefined : (r as HookResults));
          return next instanceof Promise ? next : (next ?? EMPTY);
        });
      }
      results = out;
    }
    return results;
  }

  /**
   * Calls every handler of one phase. Synchronous results stay synchronous (no promise at all
   * unless some call returns one or fails); the clock is read once up front, once after each
   * synchronous call, and once for all the asynchronous calls that settle in the dispatch's first
   * microtask checkpoint (the batch's end-of-wave reaction, see `HookBatch`), never per call.
   */
  #runPhase(
    hook: HookName,
    handlers: readonly Handler[],
    args: readonly unknown[],
    results: HookResults | undefined,
  ): HookResults | undefined | Promise<ReadonlyMap<string, unknown>> {
    const measure = this.#options.measure;
    const phaseStart = performance.now();
    let stamp = phaseStart;
    let batch: HookBatch<Handler> | undefined;
    for (let i = 0; i < handlers.length; i++) {
      const handler = handlers[i]!;
      const record = handler.record;
      if (record.state !== 'active') continue;
      const call = new HookCall(hook, record.name, stamp);
      handler.stats.calls++;
      let out: unknown;
      try {
        out = invokeHook(handler, args, call);
      } catch (error) {
        batch ??= this.#newBatch(phaseStart, args, results, handlers);
        this.#fail(handler, call, hookFailedError(hook, record.name, args[0], error), batch);
        // The failure report (and any onOperationFailed it started) must not count as the next call's time.
        if (measure) stamp = performance.now();
        continue;
      }
      let thenable: boolean;
      try {
        thenable = out !== null && typeof out === 'object' && typeof (out as PromiseLike<unknown>).then === 'function';
      } catch (error) {
        // A returned Proxy or a throwing `then` getter: the plugin's failure, not the caller's.
        batch ??= this.#newBatch(phaseStart, args, results, handlers);
        this.#fail(handler, call, hookFailedError(hook, record.name, args[0], error), batch);
        if (measure) stamp = performance.now();
        continue;
      }
      if (thenable) {
        batch ??= this.#newBatch(phaseStart, args, results, handlers);
        this.#watch(handler, call, out as PromiseLike<unknown>, batch);
        continue;
      }
      call.settled = true;
      if (measure) {
        const now = performance.now();
        handler.stats.record(now - stamp);
        stamp = now;
      }
      if (out !== undefined) {
        if (batch !== undefined) (batch.results ??= new Map()).set(record.name, out);
        else (results ??= new Map()).set(record.name, out);
      }
    }
    if (batch === undefined) return results;
    if (batch.watching) {
      if (Number.isFinite(batch.deadline)) this.#sweeper.add(batch);
      else this.#untimed.add(batch);
    }
    return batch.seal();
  }

  #newBatch(start: number, args: readonly unknown[], results: HookResults | undefined, handlers: readonly Handler[]): HookBatch<Handler> {
    // The batch expires at the longest budget of its phase; a call with a shorter one gets its own timer (#watch).
    let timeout = this.#timeoutOf(undefined);
    for (const handler of handlers) if (handler.timeoutMs !== undefined) timeout = Math.max(timeout, this.#timeoutOf(handler));
    const deadline = Number.isFinite(timeout) ? start + timeout : Number.POSITIVE_INFINITY;
    return new HookBatch<Handler>(deadline, args, results, this.#batchOwner);
  }

  /** The call budget of `handler` in ms (its plugin's `hookTimeouts`, else `hookTimeout`); Infinity when off. */
  #timeoutOf(handler: Handler | undefined): number {
    const ms = handler?.timeoutMs ?? this.#options.hookTimeout;
    return ms > 0 ? ms : Number.POSITIVE_INFINITY;
  }

  readonly #batchOwner: HookBatchOwner<Handler> = {
    expire: (call, handler, batch) => this.#expire(call, handler, batch),
    // One clock reading for every call that settled in the dispatch's first checkpoint.
    waveEnded: (batch) => batch.forEachUnstamped(performance.now(), recordDuration),
    done: (batch) => {
      if (Number.isFinite(batch.deadline)) this.#sweeper.release();
      else this.#untimed.delete(batch);
    },
  };

  #watch(handler: Handler, call: HookCall, pending: PromiseLike<unknown>, batch: HookBatch<Handler>): void {
    batch.watch(call, handler);
    handler.record.callStarted();
    // Only in a phase where some plugin declared a longer budget than this call's.
    let timer: NodeJS.Timeout | undefined;
    const own = this.#timeoutOf(handler);
    if (call.startedAt + own < batch.deadline) {
      timer = setTimeout(
        () => {
          if (!call.settled) this.#expire(call, handler, batch);
        },
        Math.max(0, call.startedAt + own - performance.now()),
      );
      timer.unref();
    }
    try {
      pending.then(
        (value) => {
          clearTimeout(timer);
          if (!call.settled) this.#fulfilled(handler, call, batch, value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          if (!call.settled) this.#rejected(handler, call, batch, error);
        },
      );
    } catch (error) {
      // A foreign thenable whose then() throws.
      if (!call.settled) this.#rejected(handler, call, batch, error);
    }
  }

  #fulfilled(handler: Handler, call: HookCall, batch: HookBatch<Handler>, value: unknown): void {
    call.settled = true;
    if (this.#options.measure) {
      // Calls that settle in the dispatch's first checkpoint share the reading taken when it ends.
      if (!batch.sealed)
        handler.stats.record(performance.now() - call.startedAt); // a thenable that called back at once
      else if (batch.fresh) batch.stampLater(call);
      else handler.stats.record(coarseNow() - call.startedAt);
    }
    if (value !== undefined) (batch.results ??= new Map()).set(handler.record.name, value);
    handler.record.callFinished();
    batch.settle();
  }

  #rejected(handler: Handler, call: HookCall, batch: HookBatch<Handler>, error: unknown): void {
    this.#fail(handler, call, hookFailedError(call.hook, handler.record.name, batch.args[0], error), batch);
    handler.record.callFinished();
    batch.settle();
  }

  #expire(call: HookCall, handler: Handler, batch: HookBatch<Handler>): void {
    const timeoutMs = handler.timeoutMs ?? this.#options.hookTimeout;
    const appName = typeof batch.args[0] === 'string' ? batch.args[0] : undefined;
    const error = hookTimeoutError(call.pluginName, call.hook, appName, timeoutMs);
    call.abort(error);
    this.#fail(handler, call, error, batch, true);
    handler.record.callFinished();
    batch.settle();
  }

  #fail(handler: Handler, call: HookCall, error: KnexusError, batch: HookBatch<Handler>, timedOut = false): void {
    call.settled = true;
    const stats = handler.stats;
    if (timedOut) stats.timeouts++;
    else stats.errors++;
    if (this.#options.measure) stats.record(performance.now() - call.startedAt);
    handler.record.lastError = error;
    const appName = typeof batch.args[0] === 'string' ? batch.args[0] : undefined;
    let followUp: Promise<unknown> | undefined;
    try {
      followUp = this.#options.onFailure(handler.record, call.hook, appName, error);
    } catch {
      // A reporter must never break the dispatch.
    }
    if (followUp !== undefined) batch.waitFor(followUp);
  }
}

const recordDuration = (call: HookCall, handler: Handler, now: number): void => handler.stats.record(now - call.startedAt);
