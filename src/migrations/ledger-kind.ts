import type { KnexusErrorCode } from '../errors.js';

/** What differs between the migration ledger and the seed ledger; the runner logic is shared. */
export interface LedgerKind {
  /** `migration` or `seed`, as error messages say it. */
  readonly noun: string;
  /** The config section users fix (`migrations` or `seeds`). */
  readonly section: string;
  /** Thrown when a file's apply or undo function fails. */
  readonly failure: KnexusErrorCode;
  /** Export names of the apply function, first match wins. */
  readonly applyExports: readonly string[];
  /** Export names of the undo function, first match wins. */
  readonly undoExports: readonly string[];
  /**
   * `require`: rolling back a file without an undo export is an error (migrations).
   * `report`: its ledger row is dropped and it is listed as irreversible (seeds).
   */
  readonly missingUndo: 'require' | 'report';
}

/** Migrations: `up`/`down`, and every applied one must be reversible to roll back. */
export const MIGRATION_KIND: LedgerKind = Object.freeze({
  noun: 'migration',
  section: 'migrations',
  failure: 'KNEXUS_ERR_MIGRATION_FAILED',
  applyExports: Object.freeze(['up']),
  undoExports: Object.freeze(['down']),
  missingUndo: 'require',
});

/** Seeds: `seed` and optionally `unseed` (or `down`); seeds without an undo are reported, not blocked. */
export const SEED_KIND: LedgerKind = Object.freeze({
  noun: 'seed',
  section: 'seeds',
  failure: 'KNEXUS_ERR_SEED_FAILED',
  applyExports: Object.freeze(['seed']),
  undoExports: Object.freeze(['unseed', 'down']),
  missingUndo: 'report',
});
