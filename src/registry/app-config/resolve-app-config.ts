import { assertDriverInstalled } from '../../connection/assert-driver-installed.js';
import type { AppConfig, ResolvedAppConfig } from '../../connection/app-config.js';
import { dialectOf } from '../../dialects/dialect-of.js';
import { KnexusError } from '../../errors.js';
import { hasScripts } from '../../migrations/migrations-config.js';
import { assertAppName, assertSchemaName, assertSqlIdentifier } from '../../util/identifier.js';
import { deepFreeze, isPlainObject, safeCopy } from '../../util/safe-copy.js';
import { systemSchemaReason } from '../tenant-rules.js';
import { APP_DEFAULTS } from './app-defaults.js';
import { rejectUnknownKeys } from './config-checks.js';
import { resolveDatabaseConfig } from './resolve-database-config.js';
import { resolveLedgerConfig } from './resolve-ledger-config.js';

const APP_KEYS = ['database', 'schema', 'searchPath', 'migrations', 'seeds', 'models', 'reusable', 'useConnection'] as const;

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

  const database = config.database === undefined ? undefined : resolveDatabaseConfig(config.database, appName, baseDir, fail);

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

  const migrations = resolveLedgerConfig(config.migrations, 'migrations', APP_DEFAULTS.migrationsTable, baseDir, appName, fail);
  const seeds = resolveLedgerConfig(config.seeds, 'seeds', APP_DEFAULTS.seedsTable, baseDir, appName, fail);
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
