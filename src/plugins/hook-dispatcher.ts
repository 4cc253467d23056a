import { KnexusError, errorMessage } from '../errors.js';
import { DeadlineSweeper } from './deadline-sweeper.js';
import { HookBatch, type HookResults } from './hook-batch.js';
import { HookCall } from './hook-call.js';
import { HOOK_NAMES, type HookName } from './hook-map.js';
import type { HookStats } from './hook-stats.js';
import type { PluginRecord } from './plugin-record.js';
import type { Plugin } from './plugin-types.js';

type HookFn = (this: Plugin, ...args: unknown[]) => unknown;

/** One plugin's implementation of one hook, resolved when handler lists are rebuilt. */
interface Handler {
  readonly record: PluginRecord;
  readonly plugin: Plugin;
  readonly fn: HookFn;
  readonly stats: HookStats;
}

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

const EMPTY: ReadonlyMap<string, unknown> = new Map();
const EMPTY_PROMISE: Promise<ReadonlyMap<string, unknown>> = Promise.resolve(EMPTY);
const PHASE_RANK = { pre: 0, normal: 1, post: 2 } as const;

/**
 * Calls one hook on every active plugin that implements it, each call isolated: a synchronous throw,
 * a rejection or a timeout is reported, never propagated. Synchronous results stay synchronous, a
 * single sweeper timer enforces every deadline, and handler lists are precomputed per hook, so a
 * plugin that lacks a hook costs nothing for it.
 */
export class HookDispatcher {
  readonly #options: HookDispatcherOptions;
  readonly #sweeper = new DeadlineSweeper();
  readonly #phases = new Map<HookName, readonly (readonly Handler[])[]>();
  readonly #batches = new Set<HookBatch<Handler>>();

  /** Creates a dispatcher with no handlers. */
  constructor(options: HookDispatcherOptions) {
    this.#options = options;
    for (const hook of HOOK_NAMES) this.#phases.set(hook, []);
  }

  /** Rebuilds every hook's handler lists from the active plugins. */
  rebuild(records: Iterable<PluginRecord>): void {
    const active = [...records].filter((r) => r.state === 'active');
    for (const hook of HOOK_NAMES) {
      const handlers: (Handler & { rank: number; priority: number })[] = [];
      for (const record of active) {
        const fn = (record.plugin as unknown as Record<string, unknown>)[hook];
        if (typeof fn !== 'function') continue;
        const plugin = record.plugin;
        handlers.push({
          record,
          plugin,
          fn: fn as HookFn,
          stats: record.stats(hook),
          rank: PHASE_RANK[plugin.order ?? 'normal'] ?? PHASE_RANK.normal,
          priority: typeof plugin.priority === 'number' ? plugin.priority : 0,
        });
      }
      handlers.sort((a, b) => a.rank - b.rank || a.priority - b.priority || a.record.sequence - b.record.sequence);
      const phases: Handler[][] = [];
      let rank = -1;
      for (const handler of handlers) {
        if (handler.rank !== rank) {
          phases.push([]);
          rank = handler.rank;
        }
        phases[phases.length - 1]!.push(handler);
      }
      this.#phases.set(hook, phases);
    }
  }

  /** True when at least one active plugin implements `hook`. */
  handles(hook: HookName): boolean {
    return (this.#phases.get(hook)?.length ?? 0) > 0;
  }

  /** Names of the plugins `hook` is called on, in call order. */
  handlersOf(hook: HookName): string[] {
    return (this.#phases.get(hook) ?? []).flat().map((h) => h.record.name);
  }

  /** Calls `hook` with `args` (plus a context) on every handler; never rejects. */
  dispatch(hook: HookName, args: readonly unknown[]): Promise<ReadonlyMap<string, unknown>> {
    const phases = this.#phases.get(hook);
    if (phases === undefined || phases.length === 0) return EMPTY_PROMISE;
    const out = this.#run(hook, phases, 0, args, undefined);
    if (out instanceof Promise) return out.then(orEmpty);
    return Promise.resolve(orEmpty(out));
  }

  /**
   * Aborts the signal of every call still running and stops waiting for them (at shutdown), so no
   * dispatch is left pending; their late results are ignored and not reported as failures.
   */
  abortAll(reason: Error): void {
    for (const batch of [...this.#batches]) {
      batch.forEachOpen((call, handler) => {
        call.settled = true;
        call.abort(reason);
        handler.record.callFinished();
        batch.settle();
      });
    }
  }

  /** Stops the sweeper timer. */
  close(): void {
    this.#sweeper.clear();
  }

  #run(
    hook: HookName,
    phases: readonly (readonly Handler[])[],
    index: number,
    args: readonly unknown[],
    results: HookResults | undefined,
  ): HookResults | undefined | Promise<HookResults | undefined> {
    for (let i = index; i < phases.length; i++) {
      const out = this.#runPhase(hook, phases[i]!, args, results);
      if (out instanceof Promise) {
        return i + 1 < phases.length ? out.then((r) => this.#run(hook, phases, i + 1, args, r)) : out;
      }
      results = out;
    }
    return results;
  }

  #runPhase(
    hook: HookName,
    handlers: readonly Handler[],
    args: readonly unknown[],
    results: HookResults | undefined,
  ): HookResults | undefined | Promise<HookResults | undefined> {
    const measure = this.#options.measure;
    const phaseStart = performance.now();
    let batch: HookBatch<Handler> | undefined;
    for (const handler of handlers) {
      const record = handler.record;
      if (record.state !== 'active') continue;
      const start = measure ? performance.now() : phaseStart;
      const call = new HookCall(hook, record.name, start);
      handler.stats.calls++;
      let out: unknown;
      try {
        out = invoke(handler, args, call);
      } catch (error) {
        batch ??= this.#newBatch(phaseStart, args, results);
        this.#fail(handler, call, toHookError(hook, record.name, args[0], error), batch);
        continue;
      }
      if (out !== null && typeof out === 'object' && typeof (out as PromiseLike<unknown>).then === 'function') {
        batch ??= this.#newBatch(phaseStart, args, results);
        this.#watch(handler, call, out as PromiseLike<unknown>, batch);
        continue;
      }
      call.settled = true;
      if (measure) handler.stats.totalMs += performance.now() - start;
      if (out !== undefined) {
        if (batch !== undefined) (batch.results ??= new Map()).set(record.name, out);
        else (results ??= new Map()).set(record.name, out);
      }
    }
    if (batch === undefined) return results;
    batch.seal();
    if (batch.watching && Number.isFinite(batch.deadline)) this.#sweeper.add(batch);
    return batch.promise;
  }

  #newBatch(start: number, args: readonly unknown[], results: HookResults | undefined): HookBatch<Handler> {
    const timeout = this.#options.hookTimeout;
    const deadline = timeout > 0 ? start + timeout : Number.POSITIVE_INFINITY;
    const batch = new HookBatch<Handler>(deadline, args, this.#expire, results);
    this.#batches.add(batch);
    void batch.promise.then(() => {
      this.#batches.delete(batch);
      this.#sweeper.release();
    });
    return batch;
  }

  #watch(handler: Handler, call: HookCall, pending: PromiseLike<unknown>, batch: HookBatch<Handler>): void {
    batch.watch(call, handler);
    handler.record.callStarted();
    const measure = this.#options.measure;
    pending.then(
      (value) => {
        if (call.settled) return;
        call.settled = true;
        if (measure) handler.stats.totalMs += performance.now() - call.startedAt;
        if (value !== undefined) (batch.results ??= new Map()).set(handler.record.name, value);
        handler.record.callFinished();
        batch.settle();
      },
      (error: unknown) => {
        if (call.settled) return;
        this.#fail(handler, call, toHookError(call.hook, handler.record.name, batch.args[0], error), batch);
        handler.record.callFinished();
        batch.settle();
      },
    );
  }

  readonly #expire = (call: HookCall, handler: Handler, batch: HookBatch<Handler>): void => {
    const timeoutMs = this.#options.hookTimeout;
    const appName = typeof batch.args[0] === 'string' ? batch.args[0] : undefined;
    const error = new KnexusError(
      'KNEXUS_ERR_HOOK_TIMEOUT',
      `Timeout (${timeoutMs}ms): plugin '${call.pluginName}' hook ${call.hook}` +
        (appName === undefined ? '' : ` for app '${appName}'`) +
        `. Its result will be ignored; raise pluginManager.hookTimeout or make the hook honor context.signal`,
      { pluginName: call.pluginName, hook: call.hook, phase: 'hook', timeoutMs, ...(appName === undefined ? {} : { appName }) },
    );
    call.abort(error);
    this.#fail(handler, call, error, batch, true);
    handler.record.callFinished();
    batch.settle();
  };

  #fail(handler: Handler, call: HookCall, error: KnexusError, batch: HookBatch<Handler>, timedOut = false): void {
    call.settled = true;
    const stats = handler.stats;
    if (timedOut) stats.timeouts++;
    else stats.errors++;
    if (this.#options.measure) stats.totalMs += performance.now() - call.startedAt;
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

function orEmpty(results: HookResults | undefined): ReadonlyMap<string, unknown> {
  return results ?? EMPTY;
}

function invoke(handler: Handler, args: readonly unknown[], call: HookCall): unknown {
  const { fn, plugin } = handler;
  switch (args.length) {
    case 1:
      return fn.call(plugin, args[0], call);
    case 2:
      return fn.call(plugin, args[0], args[1], call);
    case 3:
      return fn.call(plugin, args[0], args[1], args[2], call);
    case 4:
      return fn.call(plugin, args[0], args[1], args[2], args[3], call);
    default:
      return fn.apply(plugin, [...args, call]);
  }
}

function toHookError(hook: HookName, pluginName: string, appArg: unknown, error: unknown): KnexusError {
  const appName = typeof appArg === 'string' ? appArg : undefined;
  return new KnexusError(
    'KNEXUS_ERR_PLUGIN_HOOK_FAILED',
    `Plugin '${pluginName}' failed in ${hook}` + (appName === undefined ? '' : ` for app '${appName}'`) + `: ${errorMessage(error)}`,
    { pluginName, hook, phase: 'hook', ...(appName === undefined ? {} : { appName }) },
    error,
  );
}
