import { KnexusError } from '../errors.js';
import type { ResolvedSettings } from './registry-context.js';
import type { RegistrySettings } from './registry-types.js';

/** Registry settings' defaults. */
export const REGISTRY_DEFAULTS: ResolvedSettings = Object.freeze({
  shutdownTimeout: 30_000,
  healthCheckInterval: 0,
  healthCheckTimeout: 5_000,
  degradedLatency: 1_000,
  idleTimeout: 30_000,
  migrationConcurrency: 0,
});

const COUNTS: readonly string[] = ['migrationConcurrency'];

/** Validates `new AppRegistry({ registry })` settings and applies defaults; unknown keys and bad values are coded errors. */
export function resolveSettings(input: RegistrySettings | undefined): ResolvedSettings {
  const settings = { ...REGISTRY_DEFAULTS };
  for (const key of Object.keys(input ?? {})) {
    if (!(key in REGISTRY_DEFAULTS)) {
      throw new KnexusError('KNEXUS_ERR_INVALID_CONFIG', `Unknown registry setting '${key}' (expected one of: ${Object.keys(REGISTRY_DEFAULTS).join(', ')})`, {
        field: `registry.${key}`,
      });
    }
  }
  for (const key of Object.keys(REGISTRY_DEFAULTS) as (keyof ResolvedSettings)[]) {
    const value = input?.[key];
    if (value === undefined) continue;
    const count = COUNTS.includes(key);
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (count && !Number.isInteger(value))) {
      const expected = count ? 'a non-negative integer (0 derives it from the pool size)' : 'a non-negative number of milliseconds';
      throw new KnexusError('KNEXUS_ERR_INVALID_CONFIG', `Invalid registry setting '${key}': expected ${expected}`, {
        field: `registry.${key}`,
      });
    }
    settings[key] = value;
  }
  return Object.freeze(settings);
}
