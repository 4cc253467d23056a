import { KnexusError } from '../errors.js';
import { isPlainObject } from '../util/safe-copy.js';

/** Keys `new AppRegistry(options)` accepts. */
export const REGISTRY_OPTION_KEYS = ['registry', 'plugins', 'pluginManager', 'baseDir', 'tenants'] as const;

/** Throws `KNEXUS_ERR_INVALID_CONFIG` naming the option unless `options` has the shape `AppRegistryOptions` describes. */
export function assertRegistryOptions(options: unknown): void {
  const fail = (field: string, expected: string): never => {
    throw new KnexusError('KNEXUS_ERR_INVALID_CONFIG', `Invalid AppRegistry option '${field}': ${expected}`, { field });
  };
  if (!isPlainObject(options))
    return void fail('new AppRegistry(options)', 'must be an object { registry?, plugins?, pluginManager?, baseDir? }');
  for (const key of Object.keys(options)) {
    if (!(REGISTRY_OPTION_KEYS as readonly string[]).includes(key))
      fail(key, `is not a known option (expected one of: ${REGISTRY_OPTION_KEYS.join(', ')})`);
  }
  for (const key of ['registry', 'plugins', 'pluginManager'] as const) {
    if (options[key] !== undefined && !isPlainObject(options[key])) fail(key, 'must be an object');
  }
  const { baseDir } = options;
  if (baseDir !== undefined && (typeof baseDir !== 'string' || baseDir.length === 0))
    fail('baseDir', 'must be a folder path (a non-empty string)');
}
