import { KnexusError } from '../errors.js';
import { assertDuration } from '../util/duration.js';
import type { ResolvedSettings } from './registry-context.js';
import type { RegistrySettings } from './registry-settings.js';

/** Registry settings' defaults. */
export const REGISTRY_DEFAULTS: ResolvedSettings = Object.freeze({
  shutdownTimeout: 30_000,
  healthCheckInterval: 0,
  healthCheckTimeout: 5_000,
  degradedLatency: 1_000,
  connectRetry: 0,
  idleTimeout: 30_000,
  migrationConcurrency: 0,
});

const COUNTS: readonly string[] = ['migrationConcurrency'];

/** Validates `new AppRegistry({ registry })` settings and applies defaults; unknown keys and bad values are coded errors. */
export function resolveSettings(input: RegistrySettings | undefined): ResolvedSettings {
  const settings = { ...REGISTRY_DEFAULTS };
  for (const key of Object.keys(input ?? {})) {
    if (!(key in REGISTRY_DEFAULTS)) {
      throw new KnexusError(
        'KNEXUS_ERR_INVALID_CONFIG',
        `Unknown registry setting '${key}' (expected one of: ${Object.keys(REGISTRY_DEFAULTS).join(', ')})`,
        {
          field: `registry.${key}`,
        },
      );
    }
  }
  for (const key of Object.keys(REGISTRY_DEFAULTS) as (keyof ResolvedSettings)[]) {
    const value = input?.[key];
    if (value === undefined) continue;
    if (COUNTS.includes(key)) {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
        throw new KnexusError(
          'KNEXUS_ERR_INVALID_CONFIG',
          `Invalid registry setting '${key}': expected a non-negative integer (0 derives it from the pool size)`,
          {
            field: `registry.${key}`,
          },
        );
      }
    } else {
      const zero = {
        healthCheckInterval: '0: no background checks',
        connectRetry: '0: no retry',
        idleTimeout: '0: idle connections stay open',
      }[key as string];
      assertDuration(value, `registry.${key}`, zero === undefined ? {} : { zero });
    }
    settings[key] = value;
  }
  return Object.freeze(settings);
}
