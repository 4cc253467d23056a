import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { loadConfig } from '../config/load-config.js';
import { findConfigFile } from '../config/find-config-file.js';
import { validateConfig, type ValidatedConfig } from '../config/validate-config.js';
import { KnexusError } from '../errors.js';
import { readKnexfileApp } from '../registry/apply-knexfile.js';
import type { AppConfig } from '../connection/app-config.js';
import { CONFIG_FILE_NAMES } from '../config/config-file-names.js';
import type { MigrationsConfig } from '../migrations/migrations-config.js';
import { isDirectory } from '../util/path-kind.js';
import { projectAppName } from './project-app-name.js';
import type { CliArgs } from './cli-args.js';

/** knexfile names the knex CLI looks for in the working directory. */
export const KNEXFILE_NAMES = ['knexfile.js', 'knexfile.cjs', 'knexfile.mjs', 'knexfile.ts'] as const;

const URL_CLIENTS: Readonly<Record<string, string>> = Object.freeze({
  'postgres:': 'pg',
  'postgresql:': 'pg',
  'mysql:': 'mysql2',
  'mariadb:': 'mysql2',
});

/**
 * The config a command works on: the registry config (`--config`, or the nearest one), or a knexfile
 * (`--knexfile`, `--config knexfile.js`, or `knexfile.*` in the working directory when there is no
 * registry config), which defines one app; or, with neither, zero-config: a `./migrations` (and
 * `./seeds`) folder and a connection from `--url` or `DATABASE_URL`, as knex's defaults. A project's
 * app is named by `--app`, else `knexus.name` in its knexfile, else its package.json `name`, else its
 * folder. `--url` (or, without a registry config, a non-empty `DATABASE_URL`) then replaces the
 * connection of the one target app.
 */
export async function loadCliConfig(args: CliArgs, cwd = process.cwd()): Promise<ValidatedConfig> {
  const knexfile = pickKnexfile(args, cwd);
  if (knexfile === undefined && args.config === undefined && findConfigFile(cwd) === undefined) return zeroConfig(args, cwd);
  if (knexfile === undefined) {
    const loaded = await loadConfig({
      cwd,
      ...(args.config === undefined ? {} : { file: args.config }),
      ...(args.env === undefined ? {} : { environment: args.env }),
    });
    return args.url === undefined ? loaded : withUrl(loaded, args.url, args.app);
  }
  const folder = dirname(knexfile);
  const read = await readKnexfileApp({ database: { knexfile, ...(args.env === undefined ? {} : { environment: args.env }) } }, folder);
  const name = args.app ?? projectAppName(folder, read.name).name;
  const url = connectionUrl(args);
  // Before validation: a knexfile without `connection` is complete once the URL gives one.
  const app = withKnexFlags(
    url === undefined ? read.app : { ...read.app, database: urlDatabase(url, read.app.database?.client, name) },
    args,
    folder,
  );
  return validateConfig({ apps: { [name]: app } }, knexfile, folder);
}

/** `--url`, else `DATABASE_URL` when it is set to something (an empty one counts as unset). */
function connectionUrl(args: CliArgs): string | undefined {
  const fromEnv = process.env['DATABASE_URL'];
  return args.url ?? (fromEnv === undefined || fromEnv.trim() === '' ? undefined : fromEnv);
}

/** A project with neither a registry config nor a knexfile: its `./migrations` and `./seeds` against `--url`/`DATABASE_URL`. */
function zeroConfig(args: CliArgs, cwd: string): ValidatedConfig {
  const url = connectionUrl(args);
  const migrations = args.migrationsDirectory === undefined ? join(cwd, 'migrations') : resolve(cwd, args.migrationsDirectory);
  const seeds = join(cwd, 'seeds');
  if (url === undefined) {
    throw new KnexusError(
      'KNEXUS_ERR_CONFIG_NOT_FOUND',
      `No config found in ${cwd}: looked for ${CONFIG_FILE_NAMES.join(', ')} (here and in parent folders), then ${KNEXFILE_NAMES.join(', ')} here, ` +
        `then for a connection in DATABASE_URL or --url to run ${isDirectory(migrations) ? migrations : './migrations'} with no config file (zero-config)`,
      {
        details: {
          cwd,
          hint: 'Set DATABASE_URL (or pass --url <url>) to run ./migrations and ./seeds as they are, pass --knexfile <file> or --config <file>, or create registry.config.ts.',
        },
      },
    );
  }
  const name = args.app ?? projectAppName(cwd, undefined).name;
  const app: AppConfig = { database: urlDatabase(url, undefined, name) };
  if (isDirectory(migrations)) app.migrations = { directory: migrations };
  // As with a knexfile: knex runs seeds only on `seed:run`, so `knexus seed` runs them, registration never.
  if (isDirectory(seeds)) app.seeds = { directory: seeds, enabled: false };
  return validateConfig({ apps: { [name]: withKnexFlags(app, args, cwd) } }, cwd, cwd);
}

/** knex's own flags: `--migrations-directory` replaces the migrations folder, `--migrations-table-name` names knex's ledger. */
function withKnexFlags(app: AppConfig, args: CliArgs, cwd: string): AppConfig {
  if (args.migrationsDirectory === undefined && args.migrationsTableName === undefined) return app;
  const migrations: Record<string, unknown> = { ...app.migrations };
  if (args.migrationsDirectory !== undefined) {
    delete migrations['migrationSource'];
    migrations['directory'] = resolve(cwd, args.migrationsDirectory);
  }
  if (args.migrationsTableName !== undefined) migrations['knexTableName'] = args.migrationsTableName;
  return { ...app, migrations: migrations as MigrationsConfig };
}

function pickKnexfile(args: CliArgs, cwd: string): string | undefined {
  if (args.knexfile !== undefined) return resolve(cwd, args.knexfile);
  if (args.config !== undefined) return /^knexfile\.[cm]?[jt]s$/.test(basename(args.config)) ? resolve(cwd, args.config) : undefined;
  if (findConfigFile(cwd) !== undefined) return undefined;
  return KNEXFILE_NAMES.map((name) => join(cwd, name)).find((file) => existsSync(file));
}

/** The `database` section for a connection URL: its scheme picks the client (else the one configured). */
function urlDatabase(url: string, configured: string | undefined, appName: string): NonNullable<AppConfig['database']> {
  const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(url)?.[0].toLowerCase();
  const client = (scheme === undefined ? undefined : URL_CLIENTS[scheme]) ?? configured;
  if (client === undefined) {
    throw new KnexusError(
      'KNEXUS_ERR_USAGE',
      `--url (or DATABASE_URL) must start with postgres://, postgresql://, mysql:// or mariadb:// (app '${appName}' names no client)`,
      {
        appName,
      },
    );
  }
  return { client, connection: url } as NonNullable<AppConfig['database']>;
}

function withUrl(loaded: ValidatedConfig, url: string, appName: string | undefined): ValidatedConfig {
  const apps = loaded.apps;
  const target = appName === undefined ? (apps.length === 1 ? apps[0] : undefined) : apps.find((app) => app.name === appName);
  if (target === undefined) {
    throw new KnexusError(
      'KNEXUS_ERR_USAGE',
      `--url replaces the connection of one app: name it (knexus <command> <app> --url …); configured apps: ${apps.map((a) => a.name).join(', ') || 'none'}`,
    );
  }
  const database = {
    ...(target.config.database as object),
    ...urlDatabase(url, target.resolved.database?.client, target.name),
  } as AppConfig['database'];
  const config = { ...loaded.config, apps: { ...loaded.config.apps, [target.name]: { ...target.config, database } } };
  return validateConfig(config, loaded.file, loaded.baseDir);
}
