import type { DriftEntry, RunResult } from './ledger-types.js';

/** A frozen `RunResult`, timed from `started` (a `performance.now()` reading). */
export function runResult(batch: number | null, applied: string[], drifted: DriftEntry[], imported: string[], started: number): RunResult {
  return Object.freeze({
    batch,
    applied: Object.freeze(applied),
    drifted: Object.freeze(drifted),
    imported: Object.freeze(imported),
    durationMs: performance.now() - started,
  });
}
