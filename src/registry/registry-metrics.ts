import type { Registry } from 'prom-client';
import { poolUsage } from '../health/pool-usage.js';
import type { AppEntry } from './app-entry.js';
import { HEALTH_STATES, type RegistryHealth } from '../health/health-report.js';

type PromClient = typeof import('prom-client');

/**
 * Adds the registry's families to `register`: apps by state, each own pool's usage, and the last health
 * per app. Apps with a schema on a shared pool (tenants) are counted per health state instead, unless
 * `perTenant`, so a scrape stays the same size with 10,000 of them.
 */
export function registryMetrics(
  client: PromClient,
  register: Registry,
  apps: Iterable<AppEntry>,
  health: RegistryHealth | undefined,
  perTenant = false,
): void {
  const registers = [register];
  const byState = new client.Gauge({
    name: 'knexus_apps',
    help: 'Registered apps by lifecycle state.',
    labelNames: ['state'] as const,
    registers,
  });
  const connections = new client.Gauge({
    name: 'knexus_pool_connections',
    help: 'Connections of each physical pool.',
    labelNames: ['app', 'state'] as const,
    registers,
  });
  const pending = new client.Gauge({
    name: 'knexus_pool_pending_acquires',
    help: 'Callers waiting for a connection.',
    labelNames: ['app'] as const,
    registers,
  });
  const tenants = new Set<string>();
  for (const entry of apps) {
    if (!perTenant && entry.config.useConnection !== undefined && entry.config.schema !== undefined) tenants.add(entry.name);
    byState.inc({ state: entry.state });
    // A shared pool is counted once, under the app that owns it.
    if (entry.pool && entry.pool.owner === entry.name) {
      const usage = poolUsage(entry.pool.knex);
      connections.set({ app: entry.name, state: 'used' }, usage.used);
      connections.set({ app: entry.name, state: 'free' }, usage.free);
      pending.set({ app: entry.name }, usage.pending);
    }
  }
  if (!health) return;
  const verdict = new client.Gauge({
    name: 'knexus_app_health',
    help: 'Last health verdict per app (1 for the current state).',
    labelNames: ['app', 'status'] as const,
    registers,
  });
  const latency = new client.Gauge({
    name: 'knexus_app_health_latency_seconds',
    help: 'Last health round-trip latency.',
    labelNames: ['app'] as const,
    registers,
  });
  const tenantHealth = new Map<string, number>(HEALTH_STATES.map((state) => [state, 0]));
  for (const report of Object.values(health.apps)) {
    if (tenants.has(report.appName)) {
      tenantHealth.set(report.status, (tenantHealth.get(report.status) ?? 0) + 1);
      continue;
    }
    for (const status of HEALTH_STATES) verdict.set({ app: report.appName, status }, report.status === status ? 1 : 0);
    if (report.latencyMs !== null) latency.set({ app: report.appName }, report.latencyMs / 1000);
  }
  if (tenants.size === 0) return;
  const byHealth = new client.Gauge({
    name: 'knexus_tenant_health',
    help: 'Tenants by last health verdict.',
    labelNames: ['status'] as const,
    registers,
  });
  for (const [status, count] of tenantHealth) byHealth.set({ status }, count);
}
