import { KnexusError } from '../errors.js';
import { assertAppName } from '../util/identifier.js';
import { ATTACH_MODES, type AttachMode, type TenantDirectoryOptions } from './tenant-options.js';

/** Tenant directory options with every default applied, frozen. */
export type ResolvedTenantOptions = Readonly<Omit<TenantDirectoryOptions, 'attach' | 'idleTimeout' | 'maxResident'>> & {
  readonly attach: AttachMode;
  readonly idleTimeout: number;
  readonly maxResident: number;
};

/** Validates `tenants` options before anything starts; throws KNEXUS_ERR_INVALID_CONFIG naming the field. */
export function resolveTenantOptions(input: unknown): ResolvedTenantOptions {
  const invalid = (field: string, expected: string) =>
    new KnexusError('KNEXUS_ERR_INVALID_CONFIG', `Invalid tenants option '${field}': ${expected}`, { field: `tenants.${field}` });
  if (input === null || typeof input !== 'object') throw invalid('tenants', 'must be an object');
  const options = input as TenantDirectoryOptions;
  assertAppName(options.owner);
  if (typeof options.list !== 'function') throw invalid('list', 'must be a function returning the tenant names');
  if (options.config !== undefined && typeof options.config !== 'function') throw invalid('config', 'must be a function of the tenant name');
  if (options.attach !== undefined && !ATTACH_MODES.includes(options.attach)) throw invalid('attach', `must be one of ${ATTACH_MODES.join(', ')}`);
  for (const field of ['idleTimeout', 'maxResident'] as const) {
    const value = options[field];
    if (value !== undefined && (!Number.isInteger(value) || value < 0)) throw invalid(field, 'must be an integer ≥ 0 (0 turns it off)');
  }
  return Object.freeze({
    ...options,
    attach: options.attach ?? 'migrate',
    idleTimeout: options.idleTimeout ?? 600_000,
    maxResident: options.maxResident ?? 1000,
  });
}
