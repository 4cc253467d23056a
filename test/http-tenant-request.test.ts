import type { AddressInfo } from 'node:net';
import express from 'express';
import Fastify from 'fastify';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { AppRegistry, AppHandle } from '../src/index.js';
import { knexusExpress } from '../src/http/express.js';
import { knexusFastify } from '../src/http/fastify.js';
import { TENANT_MIGRATIONS, tenantSchema, useTenantDatabase } from './support/tenants.js';
import { useRegistry } from './support/use-registry.js';

describe('request.tenant over real HTTP (pg)', () => {
  const db = useTenantDatabase('pg');
  const createRegistry = useRegistry();

  async function fleet(): Promise<{ registry: AppRegistry; known: string }> {
    const known = tenantSchema(db, `http${Math.floor(Math.random() * 1e6)}`);
    const registry = createRegistry({ tenants: { owner: 'main', list: () => [known, 'acme-corp'], migrations: TENANT_MIGRATIONS } });
    await registry.registerApp('main', { database: db.config({ pool: { min: 0, max: 4 } }), reusable: true });
    return { registry, known };
  }

  async function expectTenantRoutes(base: string, known: string): Promise<void> {
    const get = (tenant?: string) => fetch(`${base}/notes`, { headers: tenant === undefined ? {} : { 'x-tenant': tenant } });
    const ok = await get(known);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ tenant: known, notes: [] });
    const unknown = await get('nobody');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: 'KNEXUS_ERR_TENANT_NOT_FOUND' });
    expect((await get()).status).toBe(400);
    expect((await get('acme-corp')).status).toBe(400);
  }

  it('knexus/fastify: request.tenant from a header, 404 and 400, and the registry closes with the server', async () => {
    const { registry, known } = await fleet();
    const app = Fastify();
    await app.register(knexusFastify, { registry, resolve: (request) => request.headers['x-tenant'] as string | undefined });
    app.get('/notes', async (request) => ({ tenant: request.tenant!.name, notes: await request.tenant!.knex('notes').select() }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    // Closed by the test itself when it gets that far.
    onTestFinished(async () => {
      if (app.server.listening) await app.close();
    });
    const { port } = app.server.address() as AddressInfo;
    // 20 concurrent first requests: one registration.
    let registrations = 0;
    registry.on('app-registered', () => registrations++);
    await Promise.all(Array.from({ length: 20 }, () => fetch(`http://127.0.0.1:${port}/notes`, { headers: { 'x-tenant': known } })));
    expect(registrations).toBe(1);
    await expectTenantRoutes(`http://127.0.0.1:${port}`, known);
    await app.close();
    expect(registry.getStatus().shuttingDown).toBe(true);
  });

  it('knexus/express: req.tenant from a header, 404 and 400', async () => {
    const { registry, known } = await fleet();
    const app = express();
    app.use(knexusExpress<express.Request & { tenant?: AppHandle | null }>({ registry, resolve: (req) => req.get('x-tenant') }));
    app.get('/notes', async (req: express.Request & { tenant?: AppHandle | null }, res) => {
      res.json({ tenant: req.tenant!.name, notes: await req.tenant!.knex('notes').select() });
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    try {
      await expectTenantRoutes(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, known);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
