import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppHandle } from '../connection/app-handle.js';
import { tenantOf, type TenantRequestOptions } from './tenant-request.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The request's tenant handle (knexus), or null when the route names none and `required` is false. */
    tenant: AppHandle | null;
  }
}

/** Options of the knexus fastify plugin. */
export interface KnexusFastifyOptions extends TenantRequestOptions<FastifyRequest> {
  /** Shut the registry down when the server closes; default true. */
  closeRegistry?: boolean;
}

/**
 * A fastify plugin: every request gets `request.tenant`, the handle of the tenant `resolve` names,
 * attached on first use; 400 for no or an invalid name, 404 for an unknown tenant, 503 for one that
 * cannot be attached now. The registry shuts down with the server. Not encapsulated (the
 * fastify-plugin convention), so `request.tenant` is seen by every route.
 *
 * @example
 * await app.register(knexusFastify, { registry, resolve: (request) => request.headers['x-tenant'] as string | undefined });
 * app.get('/notes', (request) => request.tenant!.knex('notes').select());
 */
export async function knexusFastify(fastify: FastifyInstance, options: KnexusFastifyOptions): Promise<void> {
  fastify.decorateRequest('tenant', null);
  fastify.addHook('onRequest', async (request, reply) => {
    const outcome = await tenantOf(request, options);
    if ('refusal' in outcome) return reply.code(outcome.refusal.status).send(outcome.refusal.body);
    request.tenant = outcome.tenant;
    return undefined;
  });
  if (options.closeRegistry !== false) fastify.addHook('onClose', async () => void (await options.registry.shutdown()));
}

// What fastify-plugin sets: the plugin's hooks and decorator apply to the parent scope, under a readable name.
Object.assign(knexusFastify, {
  [Symbol.for('skip-override')]: true,
  [Symbol.for('fastify.display-name')]: 'knexus',
  [Symbol.for('plugin-meta')]: { name: 'knexus', fastify: '>=4' },
});
