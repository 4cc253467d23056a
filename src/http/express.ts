import type { AppHandle } from '../connection/app-handle.js';
import { tenantOf, type TenantRequestOptions } from './tenant-request.js';

/** The slice of a Node/Express request and response the middleware touches. */
interface RequestLike {
  tenant?: AppHandle | null;
}
interface ResponseLike {
  status(code: number): { json(body: unknown): unknown };
}

/**
 * Express/Connect middleware: sets `req.tenant` to the handle of the tenant `resolve` names, attached on
 * first use; answers 400 for no or an invalid name, 404 for an unknown tenant, 503 for one that cannot be
 * attached now. Shut the registry down when the server closes (`server.on('close', …)`).
 *
 * @example
 * app.use(knexusExpress({ registry, resolve: (req) => req.get('x-tenant') }));
 * app.get('/notes', async (req, res) => res.json(await req.tenant.knex('notes').select()));
 */
export function knexusExpress<Request extends RequestLike>(
  options: TenantRequestOptions<Request>,
): (req: Request, res: ResponseLike, next: (error?: unknown) => void) => void {
  return (req, res, next) => {
    tenantOf(req, options).then((outcome) => {
      if ('refusal' in outcome) {
        res.status(outcome.refusal.status).json(outcome.refusal.body);
        return;
      }
      req.tenant = outcome.tenant;
      next();
    }, next);
  };
}
