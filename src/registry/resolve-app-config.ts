import { resolve } from 'node:path';
import { assertDriverInstalled } from '../connection/assert-driver-installed.js';
import { KnexusError } from '../errors.js';
import { assertDuration } from '../util/duration.js';
import { assertAppName, assertSchemaName, assertSqlIdentifier } from '../util/identifier.js';
import { deepFreeze, isPlainObject, safeCopy } from '../util/safe-copy.js';
import { SCRIPT_EXTENSIONS } from '../migrations/scripts/file-catalog.js';
import { KnexSource } from '../migrations/knex/knex-source.js';
import { APP_DEFAULTS } from './app-defaults.js';
import { CLIENT_ALIASES, CLIENTS, type ClientName } from '../clients.js';
import { DRIFT_POLICIES, KNEX_LEDGER_MODES, type DriftPolicy, type KnexLedgerMode } from '../migrations/migrations-config.js';
import type { AppConfig, ResolvedAppConfig } from '../connection/app-config.js';
import { validatePool } from './validate-pool.js';
import { sqliteFilePath } from '../util/sqlite-file-path.js';
import { POOLER_MODES, dialectOf, supportsPooler } from '../dialects/dialect-of.js';
import { hasScripts } from '../migrations/migrations-config.js';
import { systemSchemaReason } from './tenant-rules.js';
import { isFile } from '../util/path-kind.js';

const APP_KEYS = ['database', 'schema', 'searchPath', 'migrations', 'seeds', 'models', 'reusable', 'useConnection'] as const;
const DATABASE_KEYS = [
  'client',
  'connection',
  'pool',
  'useNullAsDefault',
  'acquireConnectionTimeout',
  'pooler',
  'directConnection',
] as const;
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
 * Validates an app config and returns a frozen copy with defaults applied and paths made absolute
 * against `baseDir`. Throws a coded error naming the field before anything is opened or changed.
 */
export function resolveAppConfig(appName: string, input: unknown, baseDir: string): ResolvedAppConfig {
  assertAppName(appName);
  const fail = (field: string, expected: string): never => {
    throw new KnexusError('KNEXUS_ERR_INVALID_CONFIG', `Invalid config for app '${appName}': '${field}' ${expected}`, {
      appName,
      field,
    });
  };
  if (!isPlainObject(input)) fail('config', 'must be an object');
  const config = safeCopy(input) as AppConfig & Record<string, unknown>;
  rejectUnknownKeys(config, APP_KEYS, '', fail);

  if (config.useConnection !== undefined) {
    if (typeof config.useConnection !== 'string') fail('useConnection', 'must be the name of a registered reusable app');
    assertAppName(config.useConnection);
    if (config.database !== undefined) fail('database', 'cannot be given together with useConnection');
  } else if (config.database === undefined) {
    fail('database', 'is required (or name a reusable app in useConnection)');
  }

  let database: ResolvedAppConfig['database'];
  if (config.database !== undefined) {
    const db = config.database as unknown;
    if (!isPlainObject(db)) fail('database', 'must be an object with client and connection');
    rejectUnknownKeys(db as Record<string, unknown>, DATABASE_KEYS, 'database.', fail);
    const { client: rawClient, connection, pool } = db as Record<string, unknown>;
    const client = typeof rawClient === 'string' ? CLIENT_ALIASES[rawClient] : undefined;
    if (client === undefined) {
      throw new KnexusError(
        'KNEXUS_ERR_UNKNOWN_CLIENT',
        `Unknown database client ${JSON.stringify(String(rawClient))} for app '${appName}': use one of ${CLIENTS.join(', ')}`,
        { appName, field: 'database.client' },
      );
    }
    if (typeof connection === 'string') {
      if (connection.length === 0) fail('database.connection', 'must not be empty');
      assertConnectionUrl(connection, 'database.connection', fail);
    } else if (!isPlainObject(connection)) {
      fail('database.connection', 'must be a connection object or a connection string');
    } else if (dialectOf(client).fileDatabase && typeof connection['filename'] !== 'string') {
      fail('database.connection.filename', "must be a file path or ':memory:'");
    } else if (typeof connection['connectionString'] === 'string') {
      assertConnectionUrl(connection['connectionString'], 'database.connection.connectionString', fail);
    }
    if (pool !== undefined && !isPlainObject(pool)) fail('database.pool', 'must be an object of knex pool settings');
    assertPooler(db as Record<string, unknown>, client, fail);
    const poolSettings = validatePool(db as Record<string, unknown>, appName, client);
    database = {
      ...(db as Record<string, unknown>),
      client,
      connection: resolveSqliteFile(client, connection, baseDir),
      ...(poolSettings === undefined ? {} : { pool: poolSettings }),
    } as never;
  }

  // With useConnection the owner's client is known only to the registry, which checks it there.
  if (config.schema !== undefined) {
    assertSchemaName(config.schema, appName);
    const dialect = database === undefined ? undefined : dialectOf(database.client);
    if (dialect !== undefined && !dialect.schemas) fail('schema', 'is only supported on PostgreSQL and MySQL/MariaDB');
    if (dialect?.isSystemSchema(config.schema)) fail('schema', systemSchemaReason(config.schema));
  }
  let searchPath: readonly string[] = config.schema !== undefined && config.useConnection === undefined ? ['public'] : [];
  if (config.searchPath !== undefined) {
    if (!Array.isArray(config.searchPath)) fail('searchPath', 'must be a list of schema names');
    if (config.schema === undefined) fail('searchPath', "needs schema: it lists the schemas searched after the app's own");
    if (database !== undefined && !dialectOf(database.client).searchPath) fail('searchPath', 'is only supported on PostgreSQL');
    for (const [index, name] of config.searchPath.entries()) assertSqlIdentifier(name, `searchPath.${index}`, appName);
    searchPath = [...config.searchPath];
  }

  const migrations = resolveLedger(config.migrations, 'migrations', APP_DEFAULTS.migrationsTable, baseDir, appName, fail);
  const seeds = resolveLedger(config.seeds, 'seeds', APP_DEFAULTS.seedsTable, baseDir, appName, fail);
  if (database?.pooler === 'transaction' && database.directConnection === undefined && (hasScripts(migrations) || hasScripts(seeds))) {
    fail(
      'database.directConnection',
      "is required with pooler: 'transaction' when the app has migrations or seeds: they and their session advisory locks run on the server itself, bypassing the pooler",
    );
  }
  const {
    lockTimeout: _lock,
    disableTransactions: _tx,
    importKnexHistory: _import,
    knexTableName: _table,
    knexSchemaName: _schema,
    knexLedger: _mirror,
    ...seedSettings
  } = seeds;

  const models = config.models as unknown;
  let definitions: Record<string, unknown> = {};
  if (models !== undefined) {
    if (!isPlainObject(models)) fail('models', 'must be an object with definitions');
    const m = models as Record<string, unknown>;
    rejectUnknownKeys(m, ['enabled', 'definitions'], 'models.', fail);
    if (m['enabled'] !== undefined && typeof m['enabled'] !== 'boolean') fail('models.enabled', 'must be a boolean');
    if (!isPlainObject(m['definitions'])) fail('models.definitions', 'must map model names to Model classes or definitions');
    definitions = m['definitions'] as Record<string, unknown>;
    for (const [name, def] of Object.entries(definitions)) {
      const ok = typeof def === 'function' || (isPlainObject(def) && typeof def['tableName'] === 'string');
      if (!ok)
        fail(`models.definitions.${name}`, 'must be an Objection Model class or { tableName, idColumn?, jsonSchema?, relationMappings? }');
    }
  }
  const modelsEnabled = (models as { enabled?: boolean } | undefined)?.enabled ?? Object.keys(definitions).length > 0;

  if (config.reusable !== undefined && typeof config.reusable !== 'boolean') fail('reusable', 'must be a boolean');
  // Last of the checks, and before anything opens: the config is right, but this machine cannot run it.
  if (database !== undefined) assertDriverInstalled(database.client, appName);

  return deepFreeze({
    database,
    schema: config.schema,
    searchPath,
    migrations,
    seeds: seedSettings,
    models: { enabled: modelsEnabled, definitions: definitions as ResolvedAppConfig['models']['definitions'] },
    reusable: config.reusable ?? false,
    useConnection: config.useConnection,
  });
}

type Fail = (field: string, expected: string) => never;

/**
 * A connection string written as a URL (`postgres://user:password@host:port/db`) must parse as one; otherwise
 * the driver fails at connect with an error far from the config. The message never repeats the string: it
 * may hold a password.
 */
function assertConnectionUrl(value: string, field: string, fail: Fail): void {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(value);
  if (scheme === null) return;
  // `user:password@/db?host=/socket` has no host, which the URL parser refuses and the pg driver allows.
  const parses = (text: string): boolean => {
    try {
      new URL(text);
      return true;
    } catch {
      return false;
    }
  };
  if (!parses(value) && !parses(value.replace('@/', '@socket/'))) {
    fail(
      field,
      `is not a valid connection URL (expected ${scheme[1]}://user:password@host:port/database; characters such as @ : / # in the password must be %-encoded)`,
    );
  }
}

function rejectUnknownKeys(obj: Record<string, unknown>, allowed: readonly string[], prefix: string, fail: Fail): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) fail(`${prefix}${key}`, `is not a known option (expected one of: ${allowed.join(', ')})`);
  }
}

function resolveLedger(
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

/** SQLite file names are resolved against the config's folder too, so a relative file is not cwd-dependent. */
/** `database.pooler` and `database.directConnection`: a known mode, PostgreSQL only, and a direct connection only beside a transaction pooler. */
function assertPooler(db: Record<string, unknown>, client: ClientName, fail: (field: string, expected: string) => never): void {
  const { pooler, directConnection } = db;
  if (pooler !== undefined) {
    if (!(POOLER_MODES as readonly unknown[]).includes(pooler))
      fail('database.pooler', `must be one of ${POOLER_MODES.map((m) => `'${m}'`).join(', ')}`);
    if (!supportsPooler(client)) fail('database.pooler', `is only supported on PostgreSQL (pg), not ${client}`);
  }
  if (directConnection === undefined) return;
  if (pooler === undefined) fail('database.directConnection', "is only used with a pooler (pooler: 'transaction' or 'session')");
  if (typeof directConnection === 'string') {
    if (directConnection.length === 0) fail('database.directConnection', 'must not be empty');
  } else if (!isPlainObject(directConnection)) {
    fail('database.directConnection', 'must be a connection object or a connection string');
  }
}

function resolveSqliteFile(client: ClientName, connection: unknown, baseDir: string): unknown {
  if (!dialectOf(client).fileDatabase) return connection;
  const place = (f: string) => (sqliteFilePath(f) === undefined ? f : resolve(baseDir, f));
  if (typeof connection === 'string') return { filename: place(connection) };
  const obj = connection as Record<string, unknown>;
  return { ...obj, filename: place(obj['filename'] as string) };
}
