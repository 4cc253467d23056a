import { describe, expect, it } from 'vitest';
import { tenantSchema, useTenantDatabase } from './support/tenants.js';
import { useRegistry } from './support/use-registry.js';

describe('metrics over a fleet (pg)', () => {
  const db = useTenantDatabase('pg');
  const createRegistry = useRegistry();

  it('counts tenants per health state instead of a series per tenant; per-tenant series are opt-in', async () => {
    const names = Array.from({ length: 30 }, (_, i) => tenantSchema(db, `m${i}`));
    for (const perTenantMetrics of [false, true]) {
      const registry = createRegistry({ tenants: { owner: 'main', list: () => names, attach: 'off', perTenantMetrics } });
      await registry.registerApp('main', { database: db.config({ pool: { min: 0, max: 3 } }), reusable: true });
      await Promise.all(names.map((name) => registry.tenant(name)));
      await registry.healthCheck();
      const text = await registry.metrics();
      const tenantSeries = text.split('\n').filter((line) => /app="t_?m\d+"|app="m\d+"|app="t\w*m\d+"/.test(line));
      if (perTenantMetrics) {
        expect(tenantSeries.length).toBeGreaterThanOrEqual(30);
      } else {
        expect(tenantSeries).toEqual([]);
        expect(text).toContain('knexus_tenant_health{status="healthy"} 30');
        expect(text).toContain('knexus_tenants{state="resident"} 30');
      }
      await registry.shutdown();
    }
  });
});
