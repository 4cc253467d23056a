import { KnexusError } from '../errors.js';
import { MAX_TIMER_MS, assertDuration } from '../util/duration.js';
import { isPlainObject } from '../util/safe-copy.js';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PluginManagerOptions } from './plugin-types.js';

/** `PluginManagerOptions` with every default applied. */
export type ResolvedPluginManagerOptions = Readonly<
  Required<Omit<PluginManagerOptions, 'maxErrors' | 'storage' | 'allowedRoots'>> &
    Pick<PluginManagerOptions, 'maxErrors' | 'storage'> & { readonly allowedRoots: readonly string[] }
>;

/** Defaults of `PluginManagerOptions` (`baseDir` defaults to `process.cwd()`). */
export const PLUGIN_MANAGER_DEFAULTS = Object.freeze({
  loadTimeout: 30_000,
  shutdownTimeout: 15_000,
  hookTimeout: 5_000,
  concurrency: 3,
  enableMetrics: true,
});

const DURATIONS = ['loadTimeout', 'shutdownTimeout', 'hookTimeout'] as const;

/** Every option, typed so the compiler flags one added to `PluginManagerOptions` but not here. */
const KNOWN_OPTIONS: Readonly<Record<keyof PluginManagerOptions, true>> = {
  loadTimeout: true,
  shutdownTimeout: true,
  hookTimeout: true,
  concurrency: true,
  enableMetrics: true,
  baseDir: true,
  allowedRoots: true,
  maxErrors: true,
  storage: true,
};

/** Applies defaults and validates (a misspelled option is an error, not ignored); the result is frozen. */
export function resolvePluginManagerOptions(options: PluginManagerOptions): ResolvedPluginManagerOptions {
  if (!isPlainObject(options)) {
    throw new KnexusError('KNEXUS_ERR_INVALID_CONFIG', 'Invalid pluginManager options: expected an object', { field: 'pluginManager' });
  }
  for (const key of Object.keys(options)) {
    if (!Object.hasOwn(KNOWN_OPTIONS, key)) {
      throw new KnexusError(
        'KNEXUS_ERR_INVALID_CONFIG',
        `Unknown option pluginManager.${key}; expected one of: ${Object.keys(KNOWN_OPTIONS).join(', ')}`,
        { field: `pluginManager.${key}` },
      );
    }
  }
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  const resolved = { ...PLUGIN_MANAGER_DEFAULTS, baseDir: process.cwd(), ...defined } as ResolvedPluginManagerOptions;
  const invalid = (field: string, expected: string): never => {
    throw new KnexusError('KNEXUS_ERR_INVALID_CONFIG', `Invalid pluginManager.${field}: expected ${expected}`, {
      field: `pluginManager.${field}`,
    });
  };
  for (const field of DURATIONS) {
    // hookTimeout 0 turns hook timeouts off; a load or shutdown without any time at all would always fail.
    // Config entries get twice loadTimeout, and that doubled budget must still fit a Node timer.
    assertDuration(resolved[field], `pluginManager.${field}`, {
      min: field === 'hookTimeout' ? 0 : Number.MIN_VALUE,
      max: field === 'loadTimeout' ? Math.floor(MAX_TIMER_MS / 2) : MAX_TIMER_MS,
      zero: '0: no timeout',
    });
  }
  if (typeof resolved.enableMetrics !== 'boolean') invalid('enableMetrics', 'a boolean');
  if (typeof resolved.baseDir !== 'string' || resolved.baseDir.length === 0) invalid('baseDir', 'a folder path (a non-empty string)');
  if (!Number.isInteger(resolved.concurrency) || resolved.concurrency < 1) invalid('concurrency', 'an integer of at least 1');
  const roots = (options as { allowedRoots?: unknown }).allowedRoots;
  if (
    roots !== undefined &&
    !(Array.isArray(roots) && roots.length > 0 && roots.every((root) => typeof root === 'string' && root.length > 0))
  ) {
    invalid('allowedRoots', 'a non-empty list of folder paths');
  }
  // knexus's own package (its first-party plugins) is always allowed: it is installed code like any package.
  const own = knexusPackageRoot();
  const listed = ((roots as string[] | undefined) ?? [resolved.baseDir]).map((root) => resolvePath(resolved.baseDir, root));
  const allowedRoots = Object.freeze(own === undefined || listed.includes(own) ? listed : [...listed, own]);
  const { maxErrors, storage } = resolved;
  if (storage !== undefined && typeof storage !== 'string' && !isPlainObject(storage))
    invalid('storage', 'an app name or a knex config object');
  if (maxErrors !== undefined && !(isPlainObject(maxErrors) && maxErrors.count >= 1 && maxErrors.windowMs > 0)) {
    invalid('maxErrors', '{ count: at least 1, windowMs: more than 0 }');
  }
  return Object.freeze({ ...resolved, allowedRoots });
}

/** The folder of the knexus package these files belong to (nearest package.json named `knexus`), if any. */
function knexusPackageRoot(): string | undefined {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown };
      if (manifest.name === 'knexus') return dir;
    } catch {
      // No manifest here: keep walking up.
    }
    if (dirname(dir) === dir) return undefined;
  }
}
