import { poolUsage } from '../health/pool-usage.js';
import type { AppEntry } from './app-entry.js';
import { HEALTH_STATES, type RegistryHealth } from '../health/health-report.js';
import { prometheusLabel } from '../util/prometheus-label.js';

/**
 * Prometheus text lines for the registry: apps by state, pool usage and last health per app. Apps with a
 * schema on a shared pool (tenants) are counted per health state instead, unless `perTenant`, so a scrape
 * stays the same size with 10,000 of them.
 */
export function registryMetrics(apps: Iterable<AppEntry>, health: RegistryHealth | undefined, perTenant = false): string {
  const lines: string[] = [];
  const byState = new Map<string, number>();
  const pools: string[] = [];
  const tenants = new Set<string>();
  for (const entry of apps) {
    if (!perTenant && entry.config.useConnection !== undefined && entry.config.schema !== undefined) tenants.add(entry.name);
    byState.set(entry.state, (byState.get(entry.state) ?? 0) + 1);
    if (entry.pool && entry.pool.owner === entry.name) {
      const usage = poolUsage(entry.pool.knex);
      const label = `app="${prometheusLabel(entry.name)}"`;
      pools.push(`knexus_pool_connections{${label},state="used"} ${usage.used}`);
      pools.push(`knexus_pool_connections{${label},state="free"} ${usage.free}`);
      pools.push(`knexus_pool_pending_acquires{${label}} ${usage.pending}`);
    }
  }
  lines.push('# HELP knexus_apps Registered apps by lifecycle state.', '# TYPE knexus_apps gauge');
  for (const [state, count] of byState) lines.push(`knexus_apps{state="${state}"} ${count}`);
  lines.push('# HELP knexus_pool_connections Connections of each physical pool.', '# TYPE knexus_pool_connections gauge');
  lines.push(...pools.filter((l) => l.startsWith('knexus_pool_connections')));
  lines.push('# HELP knexus_pool_pending_acquires Callers waiting for a connection.', '# TYPE knexus_pool_pending_acquires gauge');
  lines.push(...pools.filter((l) => l.startsWith('knexus_pool_pending')));
  if (health) {
    lines.push('# HELP knexus_app_health Last health verdict per app (1 for the current state).', '# TYPE knexus_app_health gauge');
    lines.push('# HELP knexus_app_health_latency_seconds Last health round-trip latency.', '# TYPE knexus_app_health_latency_seconds gauge');
    const tenantHealth = new Map<string, number>(HEALTH_STATES.map((state) => [state, 0]));
    for (const report of Object.values(health.apps)) {
      if (tenants.has(report.appName)) {
        tenantHealth.set(report.status, (tenantHealth.get(report.status) ?? 0) + 1);
        continue;
      }
      const label = `app="${prometheusLabel(report.appName)}"`;
      for (const state of HEALTH_STATES) lines.push(`knexus_app_health{${label},status="${state}"} ${report.status === state ? 1 : 0}`);
      if (report.latencyMs !== null) lines.push(`knexus_app_health_latency_seconds{${label}} ${report.latencyMs / 1000}`);
    }
    if (tenants.size > 0) {
      lines.push('# HELP knexus_tenant_health Tenants by last health verdict.', '# TYPE knexus_tenant_health gauge');
      for (const [state, count] of tenantHealth) lines.push(`knexus_tenant_health{status="${state}"} ${count}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
