import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { KnexusError, errorMessage } from '../errors.js';
import { importFile } from '../util/import-file.js';
import { isPlainObject } from '../util/safe-copy.js';
import { isFile } from '../util/path-kind.js';

/** Keys that mark a knexfile export as one knex config rather than a map of environments. */
const CONFIG_MARKERS = ['client', 'connection', 'dialect'] as const;

/** One environment of a knexfile, as knex reads it. */
export type KnexfileSettings = Readonly<Record<string, unknown>>;

/** The knex settings of a knexfile for one environment, and which environment that was. */
export interface LoadedKnexfile {
  readonly file: string;
  /** The environment used, or undefined when the file has no environments. */
  readonly environment: string | undefined;
  readonly settings: KnexfileSettings;
  /**
   * The file's `knexus` section (knexus settings knex ignores: `name`, `migrations`, `seeds`), the
   * environment's own over the top-level one's, field by field; undefined when there is none.
   */
  readonly knexus: KnexfileSettings | undefined;
}

/**
 * Imports a knexfile (`.js`, `.cjs`, `.mjs`, `.ts`; default export or `module.exports`; an object, a
 * function or a promise) and picks its environment as knex does: `environment`, else `NODE_ENV`, else
 * `development`. A file whose export has `client` or `connection` has no environments.
 */
export async function loadKnexfile(file: string, environment: string | undefined): Promise<LoadedKnexfile> {
  if (!isFile(file)) {
    throw new KnexusError('KNEXUS_ERR_CONFIG_NOT_FOUND', `knexfile ${file} does not exist. Check database.knexfile (or --knexfile).`, {
      configFile: file,
      field: 'database.knexfile',
    });
  }
  let exported: unknown;
  try {
    // Native import first (JavaScript knexfiles need no loader); fresh per modification, as config files are.
    const namespace = await importFile(file, { fresh: String(statSync(file).mtimeMs) });
    exported = namespace['default'] ?? namespace;
    if (typeof exported === 'function') exported = await (exported as () => unknown)();
    exported = await exported;
  } catch (error) {
    throw new KnexusError(
      'KNEXUS_ERR_CONFIG_LOAD',
      `Could not load knexfile ${file}: ${errorMessage(error).split('\n')[0]}`,
      { configFile: file },
      error,
    );
  }
  if (!isPlainObject(exported)) {
    throw new KnexusError('KNEXUS_ERR_CONFIG_LOAD', `knexfile ${basename(file)} must export a knex config or an object of environments`, {
      configFile: file,
    });
  }
  if (CONFIG_MARKERS.some((key) => key in exported))
    return { file, environment: undefined, settings: exported, knexus: knexusSection(exported, undefined) };
  const name = environment ?? process.env['NODE_ENV'] ?? 'development';
  const settings = name === KNEXUS_KEY ? undefined : exported[name];
  if (!isPlainObject(settings)) {
    const known =
      Object.keys(exported)
        .filter((key) => key !== KNEXUS_KEY)
        .join(', ') || 'none';
    throw new KnexusError(
      'KNEXUS_ERR_INVALID_CONFIG',
      `knexfile ${basename(file)} has no environment '${name}' (it has: ${known}). Set database.environment (or --env), or NODE_ENV.`,
      { configFile: file, field: 'database.environment', details: { environment: name, environments: Object.keys(exported) } },
    );
  }
  return { file, environment: name, settings, knexus: knexusSection(exported, settings) };
}

/** The key of a knexfile (top level, or inside an environment) that holds knexus's own settings. */
const KNEXUS_KEY = 'knexus';

function knexusSection(
  top: Readonly<Record<string, unknown>>,
  environment: Readonly<Record<string, unknown>> | undefined,
): KnexfileSettings | undefined {
  const outer = isPlainObject(top[KNEXUS_KEY]) ? top[KNEXUS_KEY] : undefined;
  const inner = environment !== undefined && isPlainObject(environment[KNEXUS_KEY]) ? environment[KNEXUS_KEY] : undefined;
  if (outer === undefined && inner === undefined) return undefined;
  const merged: Record<string, unknown> = { ...outer };
  for (const [key, value] of Object.entries(inner ?? {})) {
    const below = merged[key];
    merged[key] = isPlainObject(below) && isPlainObject(value) ? { ...below, ...value } : value;
  }
  return merged;
}
