import { KnexusError } from '../../errors.js';
import type { StoredValue } from './storage-backend.js';

/** True when `stored` has an expiry at or before `now`. */
export function isExpired(stored: Pick<StoredValue, 'expiresAt'>, now: number): boolean {
  return stored.expiresAt !== null && stored.expiresAt <= now;
}

/** The number `increment` starts from: 0 for a missing or expired value; throws for a stored non-number. */
export function counterValue(namespace: string, key: string, stored: StoredValue | undefined, now: number): number {
  if (stored === undefined || isExpired(stored, now)) return 0;
  const value: unknown = JSON.parse(stored.value);
  if (typeof value !== 'number') {
    throw new KnexusError(
      'KNEXUS_ERR_PLUGIN_STORAGE',
      `Cannot increment '${key}' of plugin '${namespace}': it holds ${Array.isArray(value) ? 'an array' : typeof value}, not a number. Delete it or use another key.`,
      { pluginName: namespace, details: { key } },
    );
  }
  return value;
}
