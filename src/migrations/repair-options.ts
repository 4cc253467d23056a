import type { RepairResolution, RepairResult } from './dirty-state.js';

/** Options of `registry.repair(app, options)`: one file (`migration` or `seed`) and how it was settled by hand. */
export interface RepairOptions {
  /** The dirty migration file, as the KNEXUS_ERR_LEDGER_DIRTY error names it. */
  readonly migration?: string;
  /** The dirty seed file (instead of `migration`). */
  readonly seed?: string;
  /** `applied`: the file's changes are all in place (finished by hand); `rolled-back`: they are all undone. */
  readonly resolution: RepairResolution;
}

/** The `ledger-repaired` event: who settled which file, and how. */
export interface LedgerRepairedEvent extends RepairResult {
  readonly appName: string;
  readonly section: 'migrations' | 'seeds';
}
