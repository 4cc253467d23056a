import { statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { KnexusError, errorMessage } from '../errors.js';
import { applyKnexfile, usesKnexfile } from '../registry/apply-knexfile.js';
import type { AppConfig } from '../connection/app-config.js';
import { importFile } from '../util/import-file.js';
import { isPlainObject } from '../util/safe-copy.js';
import { CONFIG_FILE_NAMES } from './config-file-names.js';
import { findConfigFile } from './find-config-file.js';
import { validateConfig, type ValidatedConfig } from './validate-config.js';
import { isFile } from '../util/path-kind.js';

/** Options of `loadConfig`. */
export interface LoadConfigOptions {
  /** Folder the search for a config file starts from, walking up; default `process.cwd()`. */
  readonly cwd?: string;
  /** An explicit config file (relative to `cwd`); when given, no search happens. */
  readonly file?: string;
  /** knexfile environment for apps whose `database.knexfile` names none; default `NODE_ENV`, then `development`. */
  readonly environment?: string;
}

/**
 * Finds, imports (TypeScript included) and validates a `registry.config.*` file.
 * Throws KNEXUS_ERR_CONFIG_NOT_FOUND, KNEXUS_ERR_CONFIG_LOAD or KNEXUS_ERR_INVALID_CONFIG, each naming the file.
 *
 * @example
 * const { config, baseDir } = await loadConfig({ file: 'registry.config.ts' });
 * const registry = new AppRegistry({ ...config, baseDir });
 */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<ValidatedConfig> {
  const cwd = resolve(options.cwd ?? process.cwd());
  const file = options.file === undefined ? findConfigFile(cwd) : resolve(cwd, options.file);
  if (file === undefined) {
    throw new KnexusError(
      'KNEXUS_ERR_CONFIG_NOT_FOUND',
      `No config file found in ${cwd} or its parents (looked for ${CONFIG_FILE_NAMES.join(', ')})`,
      { details: { cwd } },
    );
  }
  if (!isFile(file)) {
    throw new KnexusError('KNEXUS_ERR_CONFIG_NOT_FOUND', `Config file ${file} does not exist`, { configFile: file });
  }
  const exported = await importConfig(file);
  return validateConfig(await withKnexfiles(exported, dirname(file), options.environment), file, dirname(file));
}

/** The config with every app's knexfile read in (validation, which is synchronous, then sees plain app configs). */
async function withKnexfiles(exported: unknown, baseDir: string, environment: string | undefined): Promise<unknown> {
  if (!isPlainObject(exported) || !isPlainObject(exported['apps'])) return exported;
  // Entries, not assignment: an app may be called `__proto__`.
  const apps: [string, unknown][] = [];
  for (const [name, app] of Object.entries(exported['apps'])) {
    if (!usesKnexfile(app)) {
      apps.push([name, app]);
      continue;
    }
    const config = app as AppConfig & { database: { environment?: string } };
    const database =
      environment === undefined || config.database.environment !== undefined ? config.database : { ...config.database, environment };
    apps.push([name, await applyKnexfile({ ...config, database } as AppConfig, baseDir)]);
  }
  return { ...exported, apps: Object.fromEntries(apps) };
}

async function importConfig(file: string): Promise<unknown> {
  let namespace: Record<string, unknown>;
  try {
    // Keyed by modification time: a long-lived process (or a test) that loads the file again sees its edits.
    namespace = await importFile(file, { fresh: String(statSync(file).mtimeMs) });
  } catch (error) {
    throw new KnexusError(
      'KNEXUS_ERR_CONFIG_LOAD',
      `Could not load ${file}: ${headline(errorMessage(error))}`,
      { configFile: file },
      error,
    );
  }
  // CommonJS `module.exports` arrives as `default`, so only an ES module can lack one.
  if (namespace['default'] === undefined || !Object.keys(namespace).includes('default')) {
    throw new KnexusError(
      'KNEXUS_ERR_CONFIG_LOAD',
      `${file} has no default export: write \`export default defineConfig({ apps: { … } })\``,
      { configFile: file, field: 'default export' },
    );
  }
  const exported = namespace['default'];
  if (typeof exported !== 'function') return exported;
  // A function lets the file do async work (read a secret store) before it returns the config.
  try {
    return await (exported as () => unknown)();
  } catch (error) {
    throw new KnexusError(
      'KNEXUS_ERR_CONFIG_LOAD',
      `The config function of ${basename(file)} threw: ${errorMessage(error)}`,
      { configFile: file },
      error,
    );
  }
}

/** The first lines of an error message on one line: jiti puts a syntax error's `file:line:column` on the second. */
function headline(text: string): string {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .slice(0, 3)
    .join(' ');
}
