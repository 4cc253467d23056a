import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { AppConfig } from '../connection/app-config.js';
import type { KnexfileReference } from '../knexfile/knexfile-reference.js';
import { loadKnexfile } from '../knexfile/load-knexfile.js';
import type { MigrationsConfig, SeedsConfig } from '../migrations/migrations-config.js';
import { isPlainObject } from '../util/safe-copy.js';
import { sqliteFilePath } from '../util/sqlite-file-path.js';
import { CLIENT_ALIASES } from '../clients.js';
import { dialectOf } from '../dialects/dialect-of.js';

const DATABASE_KEYS = ['client', 'connection', 'pool', 'useNullAsDefault', 'acquireConnectionTimeout'] as const;

/** True when an app config's `database` names a knexfile. */
export function usesKnexfile(config: unknown): boolean {
  return isPlainObject(config) && isPlainObject(config['database']) && 'knexfile' in config['database'];
}

/**
 * The app config with its knexfile read in: `database` from the knexfile's client, connection and pool,
 * `migrations` and `seeds` from its sections, each overridden field by field by what the app sets.
 * Relative folders and SQLite files in the knexfile resolve against the knexfile's folder (where the knex
 * CLI runs). The knexfile's `migrations.tableName` names knex's own ledger: it becomes `knexTableName`,
 * never the knexus ledger. The knexfile's seeds are off at registration (`seeds.enabled: false`) unless
 * the app turns them on, since knex only runs them on request.
 */
export async function applyKnexfile(config: AppConfig, baseDir: string): Promise<AppConfig> {
  return (await readKnexfileApp(config, baseDir)).app;
}

/** A knexfile read as one app: its config (as `applyKnexfile` gives it) and the name its `knexus.name` gives, if any. */
export interface KnexfileApp {
  readonly app: AppConfig;
  /** `knexus.name` of the knexfile: the app's identity, wherever the project's folder sits. */
  readonly name: string | undefined;
}

/**
 * `applyKnexfile`, also returning the knexfile's own app name. The knexfile's `knexus` section
 * (`{ name?, migrations?, seeds? }`, at the top or inside an environment) reaches settings knex has no
 * word for (`migrations.drift`, `importKnexHistory`, `knexLedger`…); the app's own sections still win.
 */
export async function readKnexfileApp(config: AppConfig, baseDir: string): Promise<KnexfileApp> {
  const { knexfile, environment, ...own } = config.database as unknown as KnexfileReference & Record<string, unknown>;
  const file = resolve(baseDir, String(knexfile));
  const { settings, knexus } = await loadKnexfile(file, environment);
  const folder = dirname(file);
  const database: Record<string, unknown> = {};
  for (const key of DATABASE_KEYS) if (settings[key] !== undefined) database[key] = settings[key];
  database['connection'] = sqliteRelativeTo(database['client'], database['connection'], folder);
  Object.assign(database, own);
  const out: AppConfig = { ...config, database: database as unknown as AppConfig['database'] & object };
  const migrations = section(settings['migrations'], withKnexus(knexus, 'migrations', config.migrations), folder, 'migrationSource');
  if (migrations !== undefined) out.migrations = migrations as MigrationsConfig;
  const seeds = section(settings['seeds'], withKnexus(knexus, 'seeds', config.seeds), folder, 'seedSource');
  if (seeds !== undefined) out.seeds = seeds as SeedsConfig;
  const name = knexus?.['name'];
  return { app: out, name: typeof name === 'string' && name.length > 0 ? name : undefined };
}

/** The app's own section over the knexfile's `knexus` one; undefined when neither says anything. */
function withKnexus(
  knexus: Readonly<Record<string, unknown>> | undefined,
  key: 'migrations' | 'seeds',
  own: object | undefined,
): object | undefined {
  const fromFile = knexus?.[key];
  if (!isPlainObject(fromFile)) return own;
  return { ...fromFile, ...own };
}

/** A knexfile's `migrations`/`seeds` section in knexus words, overridden by the app's own section. */
function section(fromFile: unknown, own: object | undefined, folder: string, sourceKey: string): Record<string, unknown> | undefined {
  const given = isPlainObject(fromFile) ? fromFile : {};
  const mapped: Record<string, unknown> = {};
  const { directory, loadExtensions, disableTransactions, tableName, schemaName } = given;
  if (given[sourceKey] !== undefined) mapped[sourceKey] = given[sourceKey];
  else if (directory !== undefined) {
    const list = Array.isArray(directory) ? directory : [directory];
    mapped['directory'] = list.map((d) => (typeof d === 'string' ? resolve(folder, d) : d));
  } else {
    // knex's default folders, when they exist.
    const fallback = resolve(folder, sourceKey === 'migrationSource' ? 'migrations' : 'seeds');
    if (existsSync(fallback)) mapped['directory'] = fallback;
  }
  if (loadExtensions !== undefined) mapped['loadExtensions'] = loadExtensions;
  if (sourceKey === 'migrationSource') {
    if (disableTransactions !== undefined) mapped['disableTransactions'] = disableTransactions;
    if (tableName !== undefined) mapped['knexTableName'] = tableName;
    if (schemaName !== undefined) mapped['knexSchemaName'] = schemaName;
  }
  const ownSection = (own ?? {}) as Record<string, unknown>;
  // The app choosing its own scripts replaces the knexfile's, whichever way either names them.
  if (ownSection['directory'] !== undefined || ownSection[sourceKey] !== undefined) {
    delete mapped['directory'];
    delete mapped[sourceKey];
  }
  if (own === undefined && mapped['directory'] === undefined && mapped[sourceKey] === undefined) return undefined;
  // knex runs seeds only on `seed:run`, and they often empty tables first: a knexfile's seeds never run
  // at registration unless the app turns them on; `knexus seed` runs them.
  if (sourceKey === 'seedSource') mapped['enabled'] = false;
  return { ...mapped, ...ownSection };
}

function sqliteRelativeTo(client: unknown, connection: unknown, folder: string): unknown {
  const name = typeof client === 'string' ? CLIENT_ALIASES[client] : undefined;
  if (name === undefined || !dialectOf(name).fileDatabase) return connection;
  const place = (f: string) => (sqliteFilePath(f) === undefined ? f : resolve(folder, f));
  if (typeof connection === 'string') return place(connection);
  if (isPlainObject(connection) && typeof connection['filename'] === 'string')
    return { ...connection, filename: place(connection['filename']) };
  return connection;
}
