import pLimit from 'p-limit';
import { KnexusError, isKnexusError, toError } from '../errors.js';

/** The fleet operations a job runs. */
export type FleetOperation = 'migrate' | 'rollback';

/** Options every fleet job takes. */
export interface FleetJobOptions {
  /** Tenants worked on at once; default 4 (each holds a pooled connection of the owner's pool). */
  concurrency?: number;
  /** Run this many tenants first and stop, touching no other, if any of them fails; default 0 (no canary step). */
  canary?: number;
  /** Called after each tenant. */
  onProgress?: (progress: FleetProgress) => void;
  /** A previous report (or the names it finished): its `done` tenants are not touched again. */
  resume?: FleetReport | Iterable<string>;
}

/** Progress after one tenant. */
export interface FleetProgress {
  readonly operation: FleetOperation;
  readonly name: string;
  readonly status: TenantOutcome['status'];
  readonly finished: number;
  readonly failed: number;
  readonly total: number;
}

/** What happened to one tenant. */
export interface TenantOutcome {
  readonly name: string;
  /** `done` (including nothing to do), `failed`, or `skipped` (a canary failed first, or stopped before it). */
  readonly status: 'done' | 'failed' | 'skipped';
  /** Files applied or rolled back. */
  readonly files: readonly string[];
  readonly error?: { readonly code: string; readonly message: string };
}

/** The per-tenant report of a fleet job (`--json` prints it). */
export interface FleetReport {
  readonly operation: FleetOperation;
  /** True when every tenant is done. */
  readonly ok: boolean;
  readonly total: number;
  readonly done: number;
  readonly failed: number;
  readonly skipped: number;
  /** True when the canary step failed and nothing else was touched. */
  readonly canaryFailed: boolean;
  readonly tenants: readonly TenantOutcome[];
  readonly durationMs: number;
}

/** One tenant's work: resolves with the files it applied or undid; a thrown error fails that tenant only. */
export type TenantWork = (name: string) => Promise<readonly string[]>;

/** A tenant of a job, in job order: to work on, or `decided` before any work (nothing to do, refused). */
export interface FleetItem {
  readonly name: string;
  readonly decided?: TenantOutcome | undefined;
}

/**
 * Runs `work` over `items` with bounded concurrency, a canary step first, continuing past failures, and
 * reports every tenant. Items may arrive while work runs (a fleet check read a page at a time): work on
 * the first tenants starts before the last are read. `total` is the number of items, for progress.
 */
export async function runFleetJob(
  operation: FleetOperation,
  total: number,
  items: Iterable<FleetItem> | AsyncIterable<FleetItem>,
  work: TenantWork,
  options: FleetJobOptions,
): Promise<FleetReport> {
  assertJobOptions(options);
  const started = performance.now();
  const finishedBefore = resumed(options.resume);
  const order: string[] = [];
  const outcomes = new Map<string, TenantOutcome>();
  let finished = 0;
  let failed = 0;
  const settle = (outcome: TenantOutcome): TenantOutcome => {
    outcomes.set(outcome.name, outcome);
    finished++;
    if (outcome.status === 'failed') failed++;
    return outcome;
  };
  const limit = pLimit(Math.max(1, options.concurrency ?? 4));
  const runOne = (name: string) =>
    limit(async () => {
      let outcome: TenantOutcome;
      try {
        outcome = Object.freeze({ name, status: 'done', files: Object.freeze([...(await work(name))]) });
      } catch (thrown) {
        const error = toError(thrown);
        outcome = Object.freeze({
          name,
          status: 'failed',
          files: [],
          error: { code: isKnexusError(error) ? error.code : 'KNEXUS_ERR_UNEXPECTED', message: error.message },
        });
      }
      settle(outcome);
      options.onProgress?.({ operation, name, status: outcome.status, finished, failed, total });
    });
  const canarySize = Math.max(0, options.canary ?? 0);
  const canary: string[] = [];
  const running: Promise<void>[] = [];
  // The canary step: its tenants run (at once, within the concurrency) and end before any other is touched.
  let canaryFailed = (canarySize === 0 ? false : undefined) as boolean | undefined;
  const endCanary = async () => {
    await Promise.all(running.splice(0));
    canaryFailed = canary.some((name) => outcomes.get(name)?.status === 'failed');
  };
  try {
    for await (const { name, decided } of items) {
      order.push(name);
      if (decided !== undefined) settle(decided);
      else if (finishedBefore.has(name)) settle(Object.freeze({ name, status: 'done', files: [] }));
      else if (canaryFailed === true) outcomes.set(name, Object.freeze({ name, status: 'skipped', files: [] }));
      else {
        running.push(runOne(name));
        if (canaryFailed === undefined) {
          canary.push(name);
          if (canary.length === canarySize) await endCanary();
        }
      }
    }
  } catch (error) {
    // Reading the tenants failed (a check query, list()): the job rejects once the work it started has ended.
    await Promise.all(running);
    throw error;
  }
  if (canaryFailed === undefined) await endCanary();
  await Promise.all(running);
  const tenants = order.flatMap((name) => outcomes.get(name) ?? []);
  const count = (status: TenantOutcome['status']) => tenants.filter((outcome) => outcome.status === status).length;
  return Object.freeze({
    operation,
    ok: count('done') === tenants.length,
    total: tenants.length,
    done: count('done'),
    failed: count('failed'),
    skipped: count('skipped'),
    canaryFailed: canaryFailed === true,
    tenants: Object.freeze(tenants),
    durationMs: performance.now() - started,
  });
}

/** Refuses bad job options (KNEXUS_ERR_INVALID_CONFIG naming the field) before any tenant is read. */
export function assertJobOptions(options: FleetJobOptions): void {
  const invalid = (field: string, expected: string) =>
    new KnexusError('KNEXUS_ERR_INVALID_CONFIG', `Invalid fleet job option '${field}': ${expected}`, { field });
  if (options.concurrency !== undefined && (!Number.isInteger(options.concurrency) || options.concurrency < 1))
    throw invalid('concurrency', 'must be an integer ≥ 1');
  if (options.canary !== undefined && (!Number.isInteger(options.canary) || options.canary < 0))
    throw invalid('canary', 'must be an integer ≥ 0');
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function') throw invalid('onProgress', 'must be a function');
}

function resumed(resume: FleetJobOptions['resume']): Set<string> {
  if (resume === undefined) return new Set();
  if ('tenants' in (resume as object) && Array.isArray((resume as FleetReport).tenants)) {
    return new Set((resume as FleetReport).tenants.filter((outcome) => outcome.status === 'done').map((outcome) => outcome.name));
  }
  return new Set(resume as Iterable<string>);
}
