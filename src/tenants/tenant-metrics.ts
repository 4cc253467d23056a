import type { Registry } from 'prom-client';
import type { TenantsStatus } from './tenants-status.js';

type PromClient = typeof import('prom-client');

/**
 * Adds the fleet's families to `register`: tenants by state in this process, and with several servers
 * the tenants placed on, waiting for, and the state of each server. Per server, never per tenant: the
 * scrape keeps its size whatever the fleet's.
 */
export function addTenantMetrics(client: PromClient, register: Registry, status: TenantsStatus): void {
  const registers = [register];
  const gauge = new client.Gauge({
    name: 'knexus_tenants',
    help: 'Tenants by state in this process.',
    labelNames: ['state'] as const,
    registers,
  });
  gauge.set({ state: 'resident' }, status.resident);
  gauge.set({ state: 'attaching' }, status.attaching);
  gauge.set({ state: 'failed' }, status.failed.length);
  if (status.servers === undefined) return;
  const placed = new client.Gauge({
    name: 'knexus_tenants_placed',
    help: 'Tenants placed per server (last count read from the placement store).',
    labelNames: ['server'] as const,
    registers,
  });
  const up = new client.Gauge({
    name: 'knexus_tenant_server_up',
    help: 'Tenant server answering (1) or down (0).',
    labelNames: ['server'] as const,
    registers,
  });
  const waiting = new client.Gauge({
    name: 'knexus_tenants_waiting',
    help: 'Tenants waiting for their server to answer.',
    labelNames: ['server'] as const,
    registers,
  });
  for (const server of status.servers) {
    if (server.placed !== undefined) placed.set({ server: server.name }, server.placed);
    up.set({ server: server.name }, server.state === 'down' ? 0 : 1);
    waiting.set({ server: server.name }, server.waiting);
  }
}
