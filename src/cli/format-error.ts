import { isKnexusError, toError, type KnexusErrorCode } from '../errors.js';
import { EXIT_CODES, type ExitCode } from './exit-codes.js';

/** Codes that mean the command line or the config is wrong (exit 2) rather than an operation failing (exit 1). */
export const USAGE_ERROR_CODES: readonly KnexusErrorCode[] = [
  'KNEXUS_ERR_USAGE',
  'KNEXUS_ERR_CONFIG_NOT_FOUND',
  'KNEXUS_ERR_CONFIG_LOAD',
  'KNEXUS_ERR_INVALID_CONFIG',
  'KNEXUS_ERR_UNKNOWN_CLIENT',
  'KNEXUS_ERR_INVALID_NAME',
  // The project lacks the database driver its config names: fixed in the project, like the config.
  'KNEXUS_ERR_DRIVER_MISSING',
  // `down` without a terminal to ask and without --yes.
  'KNEXUS_ERR_CONFIRMATION_REQUIRED',
  // History in the ledger under another app name for this app's files: a naming decision, nothing ran.
  'KNEXUS_ERR_HISTORY_UNDER_OTHER_APP',
  // A plugin entry of the config file is wrong (its `config` rejected, its `module` missing).
  'KNEXUS_ERR_PLUGIN_CONFIG_INVALID',
  'KNEXUS_ERR_PLUGIN_MODULE_MISSING',
];

/** One line of advice per error code: what usually fixes it. */
const HINTS: Partial<Record<KnexusErrorCode, string>> = {
  KNEXUS_ERR_USAGE: 'Run `knexus --help` for the commands and their options.',
  KNEXUS_ERR_CONFIG_NOT_FOUND: 'Create registry.config.ts (export default defineConfig({ apps: { … } })) or pass --config <file>.',
  KNEXUS_ERR_CONFIG_LOAD: 'Fix the file so it imports cleanly; --verbose shows the full error.',
  KNEXUS_ERR_INVALID_CONFIG: 'Fix the named field in the config file; `knexus status` checks a config without changing anything.',
  KNEXUS_ERR_DRIVER_MISSING: 'Install the driver package named above in the project (npm install <package>), then run the command again.',
  KNEXUS_ERR_UNKNOWN_CLIENT: "Set database.client to 'better-sqlite3', 'pg' or 'mysql2'.",
  KNEXUS_ERR_INVALID_NAME: 'Use letters, digits, _ and - for app names, and letters, digits and _ for SQL identifiers.',
  KNEXUS_ERR_APP_NOT_FOUND: 'Check the app name against the apps in the config file.',
  KNEXUS_ERR_CONNECTION_FAILED: 'Check that the database server is running and the connection settings (or DATABASE_URL) are right.',
  KNEXUS_ERR_POOL_EXHAUSTED:
    'Every connection of the pool was busy: raise database.pool.max (of the owning app when shared) or acquireConnectionTimeout.',
  KNEXUS_ERR_MIGRATION_FAILED: 'Fix the migration, then run `knexus migrate` again (the message says whether any of it stayed applied).',
  KNEXUS_ERR_LEDGER_DIRTY:
    'Check the database, finish or undo the named file by hand, then run `knexus repair <app> --migration <file> --resolution applied|rolled-back`.',
  KNEXUS_ERR_MIGRATION_NOT_FOUND: 'Check the name against `knexus status` (file names as listed under pending/applied).',
  KNEXUS_ERR_SEED_FAILED: 'Fix the seed file, then run `knexus seed` again.',
  KNEXUS_ERR_MODULE_LOAD: 'Fix the file so it imports and exports up/down (migrations) or seed/unseed (seeds).',
  KNEXUS_ERR_CHECKSUM_DRIFT: 'An applied file was edited: restore it, or add a new migration instead (drift: "warn" tolerates it).',
  KNEXUS_ERR_LOCK_TIMEOUT: 'Another process holds the migration lock; wait for it or raise migrations.lockTimeout.',
  KNEXUS_ERR_USE_CONNECTION: 'Register the owning app first, with reusable: true.',
  KNEXUS_ERR_SHUTTING_DOWN: 'The registry was stopping; run the command again.',
  KNEXUS_ERR_PLUGIN_CONFIG_INVALID: "Fix the plugin's `config` in the config file; its README lists the options.",
  KNEXUS_ERR_PLUGIN_FORBIDDEN:
    'Move the plugin under the config folder, install it as a package, or add its folder to pluginManager.allowedRoots.',
  KNEXUS_ERR_PLUGIN_MODULE_MISSING: 'Give the plugin entry a `module`: a package name or a path relative to the config file.',
  KNEXUS_ERR_PLUGIN_HOOK_FAILED: 'A plugin hook threw; the operation itself went on. Fix the plugin, or disable it in the config file.',
};

const FALLBACK_HINT = 'Run again with --verbose for details.';
const VERBOSE_FALLBACK_HINT = 'The stack trace and causes follow.';

/** The exit code for an error: 2 for usage and config mistakes, 1 for everything else. */
export function exitCodeFor(error: unknown): ExitCode {
  return isKnexusError(error) && USAGE_ERROR_CODES.includes(error.code) ? EXIT_CODES.usage : EXIT_CODES.failed;
}

/** The exit code for several failures (error codes): 0 for none, 2 when each is a usage or config mistake, 1 otherwise. */
export function exitCodeForCodes(codes: readonly string[]): ExitCode {
  if (codes.length === 0) return EXIT_CODES.ok;
  return codes.every((code) => (USAGE_ERROR_CODES as readonly string[]).includes(code)) ? EXIT_CODES.usage : EXIT_CODES.failed;
}

/** The error's code, or a stand-in for errors that are not KnexusErrors. */
export function errorCode(error: unknown): string {
  return isKnexusError(error) ? error.code : 'KNEXUS_ERR_UNEXPECTED';
}

/** Where a hint is shown: under --verbose (stack traces already printed), and which command is running. */
export interface HintContext {
  readonly verbose?: boolean;
  readonly command?: string | undefined;
}

/**
 * The one-line hint for an error: its own (`details.hint`, for advice only the thrower knows), else its
 * code's, with `<app>` replaced by the error's app and without advice to run the command already running.
 */
export function errorHint(error: unknown, context: HintContext = {}): string {
  const fallback = context.verbose === true ? VERBOSE_FALLBACK_HINT : FALLBACK_HINT;
  if (!isKnexusError(error)) return fallback;
  const own = error.details?.['hint'];
  let hint = typeof own === 'string' ? own : (HINTS[error.code] ?? fallback);
  if (error.appName !== undefined) hint = hint.replaceAll('<app>', error.appName);
  if (context.command !== undefined) {
    // "…; `knexus status` checks a config" while status runs is advice to do what failed.
    const running = `\`knexus ${context.command}\``;
    const kept = hint.split(/(?<=[.;])\s+/).filter((sentence) => !sentence.includes(running));
    hint = kept.length > 0 ? kept.join(' ').replace(/;$/, '.') : fallback;
  }
  return hint;
}

/** Lines describing an error for a person: code and message, where (file, field, app), a hint, and the stack only when verbose. */
export function formatError(error: unknown, verbose: boolean, command?: string): string[] {
  const err = toError(error);
  const lines = [`error ${errorCode(error)}: ${err.message}`];
  if (isKnexusError(error)) {
    const where = [
      error.configFile === undefined || error.message.includes(error.configFile) ? undefined : `file ${error.configFile}`,
      error.field === undefined ? undefined : `field ${error.field}`,
      error.file === undefined ? undefined : `file ${error.file}`,
    ].filter((part) => part !== undefined);
    if (where.length > 0) lines.push(`  where: ${where.join(', ')}`);
  }
  lines.push(`  hint: ${errorHint(error, { verbose, command })}`);
  if (verbose) {
    if (err.stack !== undefined) lines.push(...err.stack.split('\n').slice(1));
    for (let cause = (err as { cause?: unknown }).cause; cause !== undefined; cause = (cause as { cause?: unknown }).cause) {
      const c = toError(cause);
      lines.push(`caused by: ${c.stack ?? c.message}`);
    }
  }
  return lines;
}

/** A plain, JSON-safe description of an error (stack only when verbose). */
export function errorJson(error: unknown, verbose: boolean, command?: string): Record<string, unknown> {
  const err = toError(error);
  const base: Record<string, unknown> = isKnexusError(error) ? error.toJSON() : { name: err.name, message: err.message };
  const out: Record<string, unknown> = { ...base, code: errorCode(error), hint: errorHint(error, { verbose, command }) };
  if (verbose && err.stack !== undefined) out['stack'] = err.stack;
  return out;
}
