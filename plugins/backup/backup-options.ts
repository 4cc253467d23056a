import { isAbsolute, resolve } from 'node:path';
import { FAILED_OPERATIONS, type FailedOperation } from '../../src/index.js';

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
   * most `backupTimeout`, then the backup is aborted.
   */
  readonly beforeRollback?: boolean;
  /**
   * How long a backup in a hook (before a rollback, after a failure) may take, in ms: the plugin's own
   * `hookTimeouts` for those hooks, instead of the manager's `hookTimeout` (5 s). Default 600000 (10 min);
   * 0 waits as long as it takes. When it expires the backup is aborted and the rollback goes ahead without it.
   */
  readonly backupTimeout?: number;
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
  backupTimeout: 600_000,
  onFailure: Object.freeze(['migrations', 'seeds', 'rollback'] as const),
  pgDump: 'pg_dump',
  pgFormat: 'custom',
});

/** The JSON Schema of `BackupOptions`: knexus validates the config against it and fills the defaults before `initialize`. */
export const BACKUP_CONFIG_SCHEMA = Object.freeze({
  type: 'object',
  additionalProperties: false,
  properties: {
    directory: { type: 'string', pattern: '\\S', default: BACKUP_DEFAULTS.directory },
    keep: { type: 'integer', minimum: 1, default: BACKUP_DEFAULTS.keep },
    beforeRollback: { type: 'boolean', default: BACKUP_DEFAULTS.beforeRollback },
    backupTimeout: { type: 'integer', minimum: 0, maximum: 2_147_483_647, default: BACKUP_DEFAULTS.backupTimeout },
    onFailure: { type: 'array', items: { enum: [...FAILED_OPERATIONS] }, default: [...BACKUP_DEFAULTS.onFailure] },
    pgDump: { type: 'string', pattern: '\\S', default: BACKUP_DEFAULTS.pgDump },
    pgFormat: { enum: [...PG_DUMP_FORMATS], default: BACKUP_DEFAULTS.pgFormat },
  },
});

/** The validated, defaulted config (see `BACKUP_CONFIG_SCHEMA`) with `directory` made absolute against `baseDir`; frozen. */
export function resolveBackupOptions(config: BackupOptions, baseDir: string): ResolvedBackupOptions {
  const options = { ...BACKUP_DEFAULTS, ...config };
  return Object.freeze({
    ...options,
    directory: isAbsolute(options.directory) ? options.directory : resolve(baseDir, options.directory),
    onFailure: Object.freeze([...options.onFailure]),
  });
}
