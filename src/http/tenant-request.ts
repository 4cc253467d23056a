import type { AppHandle } from '../connection/app-handle.js';
import { isKnexusError } from '../errors.js';

/** The registry part an HTTP integration uses: `tenant(name)` and `shutdown()`. */
export interface TenantSource {
  tenant(name: string): Promise<AppHandle>;
  shutdown(): Promise<unknown>;
}

/** Options shared by the fastify plugin and the Express middleware. */
export interface TenantRequestOptions<Request> {
  /** The registry (`new AppRegistry({ tenants })`). */
  registry: TenantSource;
  /** The tenant name of a request (from a header, the subdomain, a verified JWT claim…); `undefined` when it names none. */
  resolve: (request: Request) => string | undefined | Promise<string | undefined>;
  /** A request naming no tenant is refused with 400 (`true`, default) or passes with `tenant` null (`false`). */
  required?: boolean;
}

/** What a request that cannot get its tenant is answered with. */
export interface TenantRefusal {
  readonly status: 400 | 404 | 503;
  readonly body: { readonly error: string; readonly message: string };
}

/**
 * The request's tenant handle, or how to refuse it: 400 for no or an invalid tenant name, 404 for a name
 * the tenants' `list()` does not give, 503 for a tenant that exists but cannot be attached now
 * (not migrated, its database down), so a client may retry.
 */
export async function tenantOf<Request>(
  request: Request,
  options: TenantRequestOptions<Request>,
): Promise<{ tenant: AppHandle | null } | { refusal: TenantRefusal }> {
  const name = await options.resolve(request);
  if (name === undefined || name === '') {
    if (options.required === false) return { tenant: null };
    return { refusal: { status: 400, body: { error: 'KNEXUS_ERR_TENANT_NOT_FOUND', message: 'The request names no tenant' } } };
  }
  try {
    return { tenant: await options.registry.tenant(name) };
  } catch (error) {
    if (isKnexusError(error, 'KNEXUS_ERR_TENANT_NOT_FOUND'))
      return { refusal: { status: 404, body: { error: error.code, message: `No tenant '${name}'` } } };
    if (isKnexusError(error, 'KNEXUS_ERR_INVALID_NAME'))
      return { refusal: { status: 400, body: { error: error.code, message: `Invalid tenant name` } } };
    // The details stay in the registry's status and logs: a client learns only that it may retry.
    const code = isKnexusError(error) ? error.code : 'KNEXUS_ERR_UNEXPECTED';
    return { refusal: { status: 503, body: { error: code, message: `Tenant '${name}' is not available now` } } };
  }
}
