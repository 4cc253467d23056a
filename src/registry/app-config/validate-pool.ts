import type { ClientName } from '../../clients.js';
import { dialectOf } from '../../dialects/dialect-of.js';
import { KnexusError } from '../../errors.js';
import { assertDuration } from '../../util/duration.js';

/** Pool settings knex and its pool (tarn) accept; anything else would be a raw Tarn error at connect time. */
export const POOL_KEYS = [
  'min',
  'max',
  'acquireTimeoutMillis',
  'createTimeoutMillis',
  'destroyTimeoutMillis',
  'idleTimeoutMillis',
  'reapIntervalMillis',
  'createRetryIntervalMillis',
  'maxConnectionLifetimeMillis',
  'maxConnectionLifetimeJitterMillis',
  'propagateCreateError',
  'afterCreate',
  'validate',
  'log',
] as const;

const POOL_DURATIONS = new Set<string>(POOL_KEYS.filter((key) => key.endsWith('Millis')));
// The pool (tarn) takes only whole, positive milliseconds for these; knex checks the lifetime ones itself.
const TARN_DURATIONS = new Set<string>(POOL_KEYS.filter((key) => key.endsWith('Millis') && !key.startsWith('maxConnectionLifetime')));
const POOL_FUNCTIONS = new Set<string>(['afterCreate', 'validate', 'log']);

/**
 * Validates `database.pool`, `database.acquireConnectionTimeout` and `database.useNullAsDefault` of app
 * `appName` before anything is opened, and returns the pool settings to use: when only a `max` below
 * knex's default `min` (2) is given, `min` follows it instead of failing inside the pool.
 */
export function validatePool(
  database: Readonly<Record<string, unknown>>,
  appName: string,
  client: ClientName,
): Record<string, unknown> | undefined {
  const fail = (field: string, expected: string): never => {
    throw new KnexusError('KNEXUS_ERR_INVALID_CONFIG', `Invalid config for app '${appName}': '${field}' ${expected}`, { appName, field });
  };
  const { pool, acquireConnectionTimeout, useNullAsDefault } = database;
  if (useNullAsDefault !== undefined && typeof useNullAsDefault !== 'boolean') fail('database.useNullAsDefault', 'must be a boolean');
  if (acquireConnectionTimeout !== undefined) {
    assertDuration(acquireConnectionTimeout, 'database.acquireConnectionTimeout', { min: 1, integer: true, appName });
  }
  if (pool === undefined) return undefined;
  const settings = pool as Record<string, unknown>;
  for (const [key, value] of Object.entries(settings)) {
    const field = `database.pool.${key}`;
    if (!(POOL_KEYS as readonly string[]).includes(key))
      fail(field, `is not a known pool setting (expected one of: ${POOL_KEYS.join(', ')})`);
    if (value === undefined) continue;
    if (POOL_DURATIONS.has(key)) assertDuration(value, field, TARN_DURATIONS.has(key) ? { min: 1, integer: true, appName } : { appName });
    else if (POOL_FUNCTIONS.has(key) && typeof value !== 'function') fail(field, 'must be a function');
    else if (key === 'propagateCreateError' && typeof value !== 'boolean') fail(field, 'must be a boolean');
  }
  const { min, max } = settings;
  if (min !== undefined && !(Number.isSafeInteger(min) && (min as number) >= 0))
    fail('database.pool.min', 'must be an integer of at least 0');
  if (max !== undefined && !(Number.isSafeInteger(max) && (max as number) >= 1)) {
    fail('database.pool.max', 'must be an integer of at least 1 (a pool of 0 connections can never run a query)');
  }
  if (min !== undefined && max !== undefined && (min as number) > (max as number)) {
    fail('database.pool.min', `must not exceed database.pool.max (${String(min)} > ${String(max)})`);
  }
  // knex gives SQLite a pool of one connection unless told otherwise, so a larger min alone cannot work.
  if (dialectOf(client).fileDatabase && max === undefined && min !== undefined && (min as number) > 1) {
    fail(
      'database.pool.min',
      `must be 0 or 1 for SQLite, whose pool holds one connection (or raise database.pool.max too), got ${String(min)}`,
    );
  }
  if (min === undefined && max !== undefined && (max as number) < 2) return { ...settings, min: max };
  return { ...settings };
}
