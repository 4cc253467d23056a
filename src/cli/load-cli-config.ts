import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { loadConfig } from '../config/load-config.js';
import { findConfigFile } from '../config/find-config-file.js';
import { validateConfig, type ValidatedConfig } from '../config/validate-config.js';
import { KnexusError } from '../errors.js';
import { applyKnexfile } from '../registry/apply-knexfile.js';
import type { AppConfig } from '../connection/app-config.js';
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
 * registry config), which defines one app named after its folder (or `--app`). `--url` (or, for a
 * knexfile, `DATABASE_URL`) then replaces the connection of the one target app.
 */
export async function loadCliConfig(args: CliArgs, cwd = process.cwd()): Promise<ValidatedConfig> {
  const knexfile = pickKnexfile(args, cwd);
  let loaded: ValidatedConfig;
  if (knexfile === undefined) {
    loaded = await loadConfig({ cwd, ...(args.config === undefined ? {} : { file: args.config }), ...(args.env === undefined ? {} : { environment: args.env }) });
  } else {
    const folder = dirname(knexfile);
    const name = args.app ?? appNameOf(folder);
    const app = await applyKnexfile({ database: { knexfile, ...(args.env === undefined ? {} : { environment: args.env }) } }, folder);
    loaded = validateConfig({ apps: { [name]: app } }, knexfile, folder);
  }
  const url = args.url ?? (knexfile === undefined ? undefined : process.env['DATABASE_URL']);
  return url === undefined ? loaded : withUrl(loaded, url, args.app);
}

function pickKnexfile(args: CliArgs, cwd: string): string | undefined {
  if (args.knexfile !== undefined) return resolve(cwd, args.knexfile);
  if (args.config !== undefined) return /^knexfile\.[cm]?[jt]s$/.test(basename(args.config)) ? resolve(cwd, args.config) : undefined;
  if (findConfigFile(cwd) !== undefined) return undefined;
  return KNEXFILE_NAMES.map((name) => join(cwd, name)).find((file) => existsSync(file));
}

/** `my-project` → `my-project`; anything not allowed in an app name becomes `_`. */
function appNameOf(folder: string): string {
  const name = basename(folder).replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 63);
  return name.length > 0 ? name : 'app';
}

function withUrl(loaded: ValidatedConfig, url: string, appName: string | undefined): ValidatedConfig {
  const apps = loaded.apps;
  const target = appName === undefined ? (apps.length === 1 ? apps[0] : undefined) : apps.find((app) => app.name === appName);
  if (target === undefined) {
    throw new KnexusError('KNEXUS_ERR_USAGE', `--url replaces the connection of one app: name it (knexus <command> <app> --url …); configured apps: ${apps.map((a) => a.name).join(', ') || 'none'}`);
  }
  const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(url)?.[0].toLowerCase();
  const client = (scheme === undefined ? undefined : URL_CLIENTS[scheme]) ?? target.resolved.database?.client;
  if (client === undefined) {
    throw new KnexusError('KNEXUS_ERR_USAGE', `--url must start with postgres://, postgresql://, mysql:// or mariadb:// (app '${target.name}' names no client)`, {
      appName: target.name,
    });
  }
  const database = { ...(target.config.database as object), client, connection: url } as AppConfig['database'];
  const config = { ...loaded.config, apps: { ...loaded.config.apps, [target.name]: { ...target.config, database } } };
  return validateConfig(config, loaded.file, loaded.baseDir);
}
