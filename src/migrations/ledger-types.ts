/**
 * How a ledger row came to be: `run` (knexus applied it), `baseline` (marked applied without running,
 * by `baseline`), `imported` (knex's own ledger said it was applied, by `importKnexHistory`).
 */
export const LEDGER_ORIGINS = ['run', 'baseline', 'imported'] as const;
/** How a ledger row came to be. */
export type LedgerOrigin = (typeof LEDGER_ORIGINS)[number];

/** One applied migration or seed, as its ledger records it. */
export interface LedgerEntry {
  readonly name: string;
  readonly batch: number;
  readonly appliedAt: Date;
  /** SHA-256 (hex) of the file when it was applied (for a knex source: see `migrations.migrationSource`). */
  readonly checksum: string;
  /** `run`, `baseline` or `imported`. */
  readonly origin: LedgerOrigin;
}

/** An applied file whose content changed since it ran, or that is gone (`current: null`). */
export interface DriftEntry {
  readonly name: string;
  readonly recorded: string;
  readonly current: string | null;
}

/** What a ledger says about an app, compared with the files on disk. */
export interface LedgerStatus {
  readonly applied: readonly LedgerEntry[];
  readonly pending: readonly string[];
  readonly drifted: readonly DriftEntry[];
  /**
   * Migrations only, and only while the app has no knexus history and `importKnexHistory` is not false:
   * what knex's own ledger says was applied, which knexus would otherwise run again (import it first).
   */
  readonly knexHistory?: { readonly table: string; readonly applied: readonly string[] };
  /**
   * Only while the app has no history of its own: another app name under which exactly these files were
   * applied (the same project, renamed or moved); running again refuses with KNEXUS_ERR_HISTORY_UNDER_OTHER_APP.
   */
  readonly otherAppHistory?: { readonly app: string; readonly applied: readonly string[] };
  /** Files recorded as started but never finished (the app is dirty until `registry.repair`). */
  readonly dirty: readonly string[];
}

/** Seeds also say which applied ones cannot be undone (no `unseed`/`down` export). */
export interface SeedStatus extends LedgerStatus {
  readonly irreversible: readonly string[];
}

/** The outcome of applying pending files. `batch` is null when nothing was pending. */
export interface RunResult {
  readonly batch: number | null;
  readonly applied: readonly string[];
  /** Drift found and tolerated under the `warn` or `ignore` policy. */
  readonly drifted: readonly DriftEntry[];
  /** Migrations recorded from knex's ledger before this run (`importKnexHistory`), oldest first; usually empty. */
  readonly imported: readonly string[];
  readonly durationMs: number;
}

/** The outcome of a rollback, newest first. */
export interface RollbackResult {
  readonly rolledBack: readonly string[];
  /** Seeds removed from the ledger without an undo export (reported, never silently forgotten). */
  readonly irreversible: readonly string[];
  readonly durationMs: number;
}
