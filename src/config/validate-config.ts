import { KnexusError, isKnexusError, type KnexusErrorContext } from '../errors.js';
import type { AppConfig, ResolvedAppConfig } from '../connection/app-config.js';
import { resolveAppConfig } from '../registry/app-config/resolve-app-config.js';
import { isPlainObject } from '../util/safe-copy.js';
import type { KnexusConfig } from './define-config.js';

/** Top-level keys a config file may have. */
export const CONFIG_KEYS = ['registry', 'pluginManager', 'plugins', 'apps', 'tenants'] as const;

const PLUGIN_ENTRY_KEYS = ['enabled', 'module', 'config', 'baseDir'] as const;

/** One app of a validated config: what the file says, and the registry's resolved reading of it. */
export interface ConfiguredApp {
  readonly name: string;
  readonly config: AppConfig;
  readonly resolved: ResolvedAppConfig;
}

/** A config file that passed validation. */
export interface ValidatedConfig {
  readonly file: string;
  /** The config file's folder, which relative paths resolve against. */
  readonly baseDir: string;
  readonly config: KnexusConfig;
  /** Apps in the order the file lists them. */
  readonly apps: readonly ConfiguredApp[];
}

/** The coded error for a config field that is not what it should be; names the file, the field and what is expected. */
export function configError(file: string, field: string, expected: string, extra: KnexusErrorContext = {}, cause?: unknown): KnexusError {
  return new KnexusError('KNEXUS_ERR_INVALID_CONFIG', `${file}: '${field}' ${expected}`, { ...extra, configFile: file, field }, cause);
}

/**
 * Checks the shape of a loaded config before anything is opened: known top-level keys, plugin entries,
 * and every app through the same validation `registerApp` uses, so a mistake in the last app stops
 * the CLI before the first app's migrations run.
 */
export function validateConfig(input: unknown, file: string, baseDir: string): ValidatedConfig {
  if (!isPlainObject(input)) {
    throw configError(file, 'default export', 'must be an object: write `export default defineConfig({ apps: { … } })`');
  }
  for (const key of Object.keys(input)) {
    if (!(CONFIG_KEYS as readonly string[]).includes(key)) {
      throw configError(file, key, `is not a known top-level key (expected one of: ${CONFIG_KEYS.join(', ')})`);
    }
  }
  for (const key of ['registry', 'pluginManager'] as const) {
    if (input[key] !== undefined && !isPlainObject(input[key])) throw configError(file, key, 'must be an object of settings');
  }
  validatePlugins(input['plugins'], file);
  const apps = validateApps(input['apps'], file, baseDir);
  return { file, baseDir, config: input as KnexusConfig, apps };
}

function validatePlugins(plugins: unknown, file: string): void {
  if (plugins === undefined) return;
  if (!isPlainObject(plugins)) throw configError(file, 'plugins', 'must map plugin names to { enabled?, module, config? }');
  const { directory } = plugins;
  const discovering = directory !== undefined;
  if (discovering && !(typeof directory === 'string' || (Array.isArray(directory) && directory.every((d) => typeof d === 'string')))) {
    throw configError(file, 'plugins.directory', "must be a folder, a glob or a list of them, e.g. './plugins'");
  }
  for (const [name, entry] of Object.entries(plugins)) {
    if (name === 'directory') continue;
    const field = `plugins.${name}`;
    if (!isPlainObject(entry)) throw configError(file, field, 'must be an object { enabled?, module, config? }');
    for (const key of Object.keys(entry)) {
      if (!(PLUGIN_ENTRY_KEYS as readonly string[]).includes(key)) {
        throw configError(file, `${field}.${key}`, `is not a known option (expected one of: ${PLUGIN_ENTRY_KEYS.join(', ')})`);
      }
    }
    // With discovery, an entry may only give a found module its config (a missing module is reported at load).
    if (!(discovering && entry['module'] === undefined) && (typeof entry['module'] !== 'string' || entry['module'].length === 0)) {
      throw configError(file, `${field}.module`, 'must be a package name or a path to the plugin module');
    }
    if (entry['enabled'] !== undefined && typeof entry['enabled'] !== 'boolean')
      throw configError(file, `${field}.enabled`, 'must be a boolean');
    if (entry['config'] !== undefined && !isPlainObject(entry['config'])) throw configError(file, `${field}.config`, 'must be an object');
    if (entry['baseDir'] !== undefined && typeof entry['baseDir'] !== 'string')
      throw configError(file, `${field}.baseDir`, 'must be a folder path');
  }
}

function validateApps(apps: unknown, file: string, baseDir: string): ConfiguredApp[] {
  if (apps === undefined) return [];
  if (!isPlainObject(apps)) throw configError(file, 'apps', 'must map app names to app configs: { blog: { database, migrations, … } }');
  const out: ConfiguredApp[] = [];
  for (const [name, config] of Object.entries(apps)) {
    if (!isPlainObject(config)) throw configError(file, `apps.${name}`, 'must be an object { database, migrations?, seeds?, models?, … }');
    let resolved: ResolvedAppConfig;
    try {
      resolved = resolveAppConfig(name, config, baseDir);
    } catch (error) {
      throw inFile(error, file, name);
    }
    const owner = resolved.useConnection;
    if (owner !== undefined && !out.some((app) => app.name === owner)) {
      throw configError(file, `apps.${name}.useConnection`, `names '${owner}', which must be an app listed before '${name}' in this file`, {
        appName: name,
      });
    }
    if (owner !== undefined && !out.find((app) => app.name === owner)?.resolved.reusable) {
      throw configError(file, `apps.${owner}.reusable`, `must be true: app '${name}' shares its connection`, { appName: owner });
    }
    out.push({ name, config: config as AppConfig, resolved });
  }
  return out;
}

/** The registry's own validation error, re-issued with the file and the full field path. */
function inFile(error: unknown, file: string, appName: string): unknown {
  if (!isKnexusError(error)) return error;
  const field = error.field === undefined || error.field === 'appName' ? `apps.${appName}` : `apps.${appName}.${error.field}`;
  const context: Record<string, unknown> = { ...(error.toJSON() as Record<string, unknown>) };
  for (const key of ['name', 'code', 'message', 'cause']) delete context[key];
  return new KnexusError(
    error.code,
    `${file}: ${error.message}`,
    { ...(context as KnexusErrorContext), appName, configFile: file, field },
    error.cause,
  );
}
