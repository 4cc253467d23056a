/** Process exit codes of the `knexus` command: scripts and supervisors branch on these. */
export const EXIT_CODES = Object.freeze({
  /** Everything asked for was done. */
  ok: 0,
  /** An operation failed (connection, migration, seed, plugin, rollback). */
  failed: 1,
  /** The command line or the config file is wrong; nothing was changed. */
  usage: 2,
  /** `status --check`: every app was read, and some migration or seed is pending or drifted. */
  behind: 3,
} as const);
/** One of the `knexus` exit codes. */
export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];
