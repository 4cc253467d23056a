import { isAbsolute, resolve } from 'node:path';
import { FAILED_OPERATIONS, KnexusError, type FailedOperation } from '../../src/index.js';

/** pg_dump output formats: `custom` (compressed, for pg_restore) or `plain` (SQL, for psql). */
export const PG_DUMP_FORMATS = ['custom', 'plain'] as const;
/** A pg_dump output format. */
export type PgDumpFormat = (typeof PG_DUMP_FORMATS)[number];

/** Options of the backup plugin. */
export interface BackupOptions {
  /** Folder backups are written to, one subfolder per app; relative paths resolve against the registry's `baseDir`. Default `./backups`. */
  readonly directory?: string;
  /** Backups kept per app; older ones are deleted after each new one. Default 5. */
  readonly keep?: number;
  /**
   * Back up before every rollback (`onAppRollbackStarted`: an unregistration's, or a manual
   * `rollbackMigrations()`/`rollbackSeeds()`); default true. The rollback waits for the backup for at
   * most the plugin manager's `hookTimeout` (default 5 s), then the backup is aborted.
   */
  readonly beforeRollback?: boolean;
  /** Failed operations (`onOperationFailed`) that trigger a backup; default migrations, seeds, rollback. `[]` turns them off. */
  readonly onFailure?: readonly FailedOperation[];
  /** The pg_dump command or its path; default `pg_dump`, looked up on PATH at initialize. */
  readonly pgDump?: string;
  /** pg_dump's output format; default `custom`. */
  readonly pgFormat?: PgDumpFormat;
}

/** `BackupOptions` with defaults applied and `directory` absolute; frozen. */
export type ResolvedBackupOptions = Readonly<Required<BackupOptions>>;

/** Defaults of `BackupOptions`. */
export const BACKUP_DEFAULTS: ResolvedBackupOptions = Object.freeze({
  directory: './backups',
  keep: 5,
  beforeRollback: true,
  onFailure: Object.freeze(['migrations', 'seeds', 'rollback'] as const),
  pgDump: 'pg_dump',
  pgFormat: 'custom',
});

const KNOWN = Object.keys(BACKUP_DEFAULTS);

function invalid(field: string, problem: string): KnexusError {
  return new KnexusError('KNEXUS_ERR_PLUGIN_CONFIG_INVALID', `'${field}' ${problem}`, { pluginName: 'backup', field });
}

/** Validates `config` (throwing a KNEXUS_ERR_PLUGIN_CONFIG_INVALID error naming the field) and applies defaults. */
export function resolveBackupOptions(config: unknown, baseDir: string): ResolvedBackupOptions {
  if (config === null || typeof config !== 'object' || Array.isArray(config)) throw invalid('config', 'must be an object');
  const input = config as Record<string, unknown>;
  for (const key of Object.keys(input)) {
    if (!KNOWN.includes(key)) throw invalid(key, `is not a backup option (expected one of: ${KNOWN.join(', ')})`);
  }
  const d = BACKUP_DEFAULTS;
  const { directory = d.directory, keep = d.keep, beforeRollback = d.beforeRollback } = input;
  const { onFailure = d.onFailure, pgDump = d.pgDump, pgFormat = d.pgFormat } = input;
  if (typeof directory !== 'string' || directory.trim() === '') throw invalid('directory', "must be a folder path, e.g. './backups'");
  if (typeof keep !== 'number' || !Number.isInteger(keep) || keep < 1) throw invalid('keep', 'must be an integer ≥ 1');
  if (typeof beforeRollback !== 'boolean') throw invalid('beforeRollback', 'must be true or false');
  if (!Array.isArray(onFailure) || !onFailure.every((op) => (FAILED_OPERATIONS as readonly unknown[]).includes(op))) {
    throw invalid('onFailure', `must be a list of operations among: ${FAILED_OPERATIONS.join(', ')}`);
  }
  if (typeof pgDump !== 'string' || pgDump.trim() === '') throw invalid('pgDump', "must be a command name or path, e.g. 'pg_dump'");
  if (!(PG_DUMP_FORMATS as readonly unknown[]).includes(pgFormat)) throw invalid('pgFormat', `must be one of: ${PG_DUMP_FORMATS.join(', ')}`);
  return Object.freeze({
    directory: isAbsolute(directory) ? directory : resolve(baseDir, directory),
    keep,
    beforeRollback,
    onFailure: Object.freeze([...(onFailure as FailedOperation[])]),
    pgDump,
    pgFormat: pgFormat as PgDumpFormat,
  });
}
