import { KnexusError } from '../errors.js';
import { isPlainObject } from '../util/safe-copy.js';

/** What `rollbackMigrations` accepts. */
export const ROLLBACK_OPTIONS = ['step', 'all', 'batch', 'to'] as const;
/** What `rollbackSeeds` accepts: the same names, but `to`. */
export const SEED_ROLLBACK_OPTIONS = ['step', 'all', 'batch'] as const;

/**
 * Throws KNEXUS_ERR_INVALID_CONFIG unless `options` is an object of known rollback options: a misspelt
 * one (`steps`) would otherwise be ignored and the whole last batch undone.
 */
export function assertRollbackOptions(options: unknown, allowed: readonly string[], appName: string, call: string): void {
  const fail = (field: string, problem: string): never => {
    throw new KnexusError('KNEXUS_ERR_INVALID_CONFIG', `${call} of app '${appName}': ${problem}`, { appName, field });
  };
  if (!isPlainObject(options)) fail('options', `options must be an object { ${allowed.join(', ')} }`);
  for (const key of Object.keys(options as object)) {
    if (!allowed.includes(key))
      fail(key, `'${key}' is not an option (expected ${allowed.join(', ')})${key === 'steps' ? ': the count is `step`' : ''}`);
  }
}
