import { resolve } from 'node:path';
import type { ResolvedAppConfig } from '../../connection/app-config.js';
import { KnexSource } from '../../migrations/knex/knex-source.js';
import { DRIFT_POLICIES, KNEX_LEDGER_MODES, type DriftPolicy, type KnexLedgerMode } from '../../migrations/migrations-config.js';
import { SCRIPT_EXTENSIONS } from '../../migrations/scripts/file-catalog.js';
import { assertDuration } from '../../util/duration.js';
import { assertSqlIdentifier } from '../../util/identifier.js';
import { isFile } from '../../util/path-kind.js';
import { isPlainObject } from '../../util/safe-copy.js';
import { APP_DEFAULTS } from './app-defaults.js';
import { type Fail, rejectUnknownKeys } from './config-checks.js';

const SEED_KEYS = ['enabled', 'directory', 'seedSource', 'loadExtensions', 'tableName', 'drift'] as const;
const MIGRATION_KEYS = [
  'enabled',
  'directory',
  'migrationSource',
  'loadExtensions',
  'disableTransactions',
  'tableName',
  'lockTimeout',
  'drift',
  'importKnexHistory',
  'knexTableName',
  'knexSchemaName',
  'knexLedger',
] as const;

/**
 * An app's `migrations` or `seeds` validated, with defaults applied and folders made absolute against
 * `baseDir`; a wrong field throws through `fail`.
 */
export function resolveLedgerConfig(
  input: unknown,
  field: 'migrations' | 'seeds',
  defaultTable: string,
  baseDir: string,
  appName: string,
  fail: Fail,
): ResolvedAppConfig['migrations'] {
  const disabled = {
    enabled: false,
    directories: [],
    source: undefined,
    loadExtensions: undefined,
    tableName: defaultTable,
    lockTimeout: APP_DEFAULTS.lockTimeout,
    drift: APP_DEFAULTS.drift,
    disableTransactions: false,
    importKnexHistory: undefined,
    knexTableName: APP_DEFAULTS.knexTableName,
    knexSchemaName: undefined,
    knexLedger: 'frozen' as KnexLedgerMode,
  };
  if (input === undefined) return disabled;
  if (!isPlainObject(input)) fail(field, 'must be an object with a directory');
  const obj = input as Record<string, unknown>;
  rejectUnknownKeys(obj, field === 'migrations' ? MIGRATION_KEYS : SEED_KEYS, `${field}.`, fail);
  const {
    enabled,
    directory,
    tableName,
    lockTimeout,
    drift,
    loadExtensions,
    disableTransactions,
    importKnexHistory,
    knexTableName,
    knexSchemaName,
    knexLedger,
  } = obj;
  const sourceKey = field === 'migrations' ? 'migrationSource' : 'seedSource';
  const rawSource = obj[sourceKey];
  if (enabled !== undefined && typeof enabled !== 'boolean') fail(`${field}.enabled`, 'must be a boolean');
  let source: KnexSource | undefined;
  if (rawSource !== undefined) {
    if (!KnexSource.accepts(field, rawSource)) {
      fail(
        `${field}.${sourceKey}`,
        `must implement knex's ${field === 'migrations' ? 'getMigrations, getMigrationName and getMigration' : 'getSeeds and getSeed'}`,
      );
    }
    // knex silently drops a custom source when a directory is also set; a silent choice here would run the wrong files.
    if (directory !== undefined)
      fail(`${field}.${sourceKey}`, `cannot be given together with ${field}.directory: the source lists the ${field}, so drop one of them`);
    source = new KnexSource(field, rawSource as never);
  }
  let directories: string[] = [];
  if (directory !== undefined) {
    const list = Array.isArray(directory) ? directory : [directory];
    if (list.length === 0 || !list.every((d) => typeof d === 'string' && d.length > 0)) {
      fail(`${field}.directory`, 'must be a folder path or a non-empty list of folder paths');
    }
    directories = (list as string[]).map((d) => resolve(baseDir, d));
    // A missing folder is reported when the files are read; a file in its place is a mistake in the config itself.
    const file = directories.find((d) => isFile(d));
    if (file !== undefined) fail(`${field}.directory`, `names ${file}, which is a file, not a folder of ${field}`);
  } else if (enabled !== false && source === undefined) {
    fail(`${field}.directory`, `is required when ${field} are enabled (or give ${field}.${sourceKey})`);
  }
  if (loadExtensions !== undefined) {
    const ok = Array.isArray(loadExtensions) && loadExtensions.every((e) => typeof e === 'string' && e.startsWith('.'));
    if (!ok) fail(`${field}.loadExtensions`, "must be a list of extensions such as ['.js', '.ts']");
    const unsupported = (loadExtensions as string[]).filter((e) => !(SCRIPT_EXTENSIONS as readonly string[]).includes(e));
    if (source === undefined && unsupported.length > 0)
      fail(`${field}.loadExtensions`, `may only list ${SCRIPT_EXTENSIONS.join(', ')} (got ${unsupported.join(', ')})`);
  }
  if (tableName !== undefined) assertSqlIdentifier(tableName, `${field}.tableName`, appName);
  if (knexTableName !== undefined) assertSqlIdentifier(knexTableName, `${field}.knexTableName`, appName);
  if (knexSchemaName !== undefined) assertSqlIdentifier(knexSchemaName, `${field}.knexSchemaName`, appName);
  if (lockTimeout !== undefined) assertDuration(lockTimeout, `${field}.lockTimeout`, { integer: true, appName });
  if (drift !== undefined && !DRIFT_POLICIES.includes(drift as DriftPolicy))
    fail(`${field}.drift`, `must be one of ${DRIFT_POLICIES.join(', ')}`);
  if (knexLedger !== undefined && !KNEX_LEDGER_MODES.includes(knexLedger as KnexLedgerMode))
    fail(`${field}.knexLedger`, `must be one of ${KNEX_LEDGER_MODES.join(', ')}`);
  for (const [key, value] of [
    ['disableTransactions', disableTransactions],
    ['importKnexHistory', importKnexHistory],
  ] as const) {
    if (value !== undefined && typeof value !== 'boolean') fail(`${field}.${key}`, 'must be a boolean');
  }
  return {
    enabled: (enabled as boolean | undefined) ?? (directories.length > 0 || source !== undefined),
    directories,
    source,
    loadExtensions: loadExtensions === undefined ? undefined : [...(loadExtensions as string[])],
    tableName: (tableName as string | undefined) ?? defaultTable,
    lockTimeout: (lockTimeout as number | undefined) ?? APP_DEFAULTS.lockTimeout,
    drift: (drift as DriftPolicy | undefined) ?? APP_DEFAULTS.drift,
    disableTransactions: (disableTransactions as boolean | undefined) ?? false,
    importKnexHistory: importKnexHistory as boolean | undefined,
    knexTableName: (knexTableName as string | undefined) ?? APP_DEFAULTS.knexTableName,
    knexSchemaName: knexSchemaName as string | undefined,
    knexLedger: (knexLedger as KnexLedgerMode | undefined) ?? 'frozen',
  };
}
