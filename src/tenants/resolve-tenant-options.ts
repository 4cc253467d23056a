import { KnexusError } from '../errors.js';
import { assertAppName } from '../util/identifier.js';
import { ATTACH_MODES, type AttachMode, type TenantDirectoryOptions } from './tenant-options.js';

/** Tenant directory options with every default applied, frozen. */
export type ResolvedTenantOptions = Readonly<
  Omit<TenantDirectoryOptions, 'owner' | 'attach' | 'idleTimeout' | 'maxResident' | 'serverRetry'>
> & {
  readonly owner: string;
  readonly serverRetry: number;
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
  const servers = resolveServers(options, invalid);
  const owner = options.owner ?? servers[0];
  assertAppName(owner);
  if (options.placement !== undefined && (typeof options.placement?.get !== 'function' || typeof options.placement?.set !== 'function')) {
    throw invalid('placement', 'must be a store with get(name) and set(name, server)');
  }
  if (options.placementPolicy !== undefined && typeof options.placementPolicy !== 'function')
    throw invalid('placementPolicy', 'must be a function (name, servers) => server');
  if (options.pgTools !== undefined && typeof options.pgTools !== 'string') throw invalid('pgTools', 'must be a folder path');
  if (typeof options.list !== 'function') throw invalid('list', 'must be a function returning the tenant names');
  if (options.config !== undefined && typeof options.config !== 'function')
    throw invalid('config', 'must be a function of the tenant name');
  if (options.attach !== undefined && !ATTACH_MODES.includes(options.attach))
    throw invalid('attach', `must be one of ${ATTACH_MODES.join(', ')}`);
  for (const field of ['idleTimeout', 'maxResident', 'serverRetry'] as const) {
    const value = options[field];
    if (value !== undefined && (!Number.isInteger(value) || value < 0)) throw invalid(field, 'must be an integer ≥ 0 (0 turns it off)');
  }
  return Object.freeze({
    ...options,
    owner,
    serverRetry: options.serverRetry || 5000,
    attach: options.attach ?? 'migrate',
    idleTimeout: options.idleTimeout ?? 600_000,
    maxResident: options.maxResident ?? 1000,
  });
}

/** The server keys of `tenants.servers` (each a valid app name with a database), in order; none without it. */
function resolveServers(options: TenantDirectoryOptions, invalid: (field: string, expected: string) => KnexusError): string[] {
  if (options.servers === undefined) return [];
  if (options.servers === null || typeof options.servers !== 'object')
    throw invalid('servers', 'must be an object { name: databaseConfig }');
  const names = Object.keys(options.servers);
  if (names.length === 0) throw invalid('servers', 'must name at least one server');
  for (const name of names) {
    assertAppName(name);
    const database = options.servers[name] as { client?: unknown } | undefined;
    if (database === null || typeof database !== 'object' || typeof database.client !== 'string')
      throw invalid(`servers.${name}`, 'must be a database config { client, connection }');
  }
  return names;
}
