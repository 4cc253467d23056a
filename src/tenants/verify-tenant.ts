import type { AppHandle } from '../connection/app-handle.js';
import { KnexusError } from '../errors.js';
import type { TenantHost } from './tenant-options.js';

/** Attach `verify`: refuses (and detaches, without rollback) a tenant whose ledger is behind, drifted or dirty. */
export async function verifyTenant(host: TenantHost, name: string, handle: AppHandle): Promise<void> {
  const status = await handle.migrationStatus().catch(async (error: unknown) => {
    await host.unregisterApp(name, { skipRollback: true });
    throw error;
  });
  if (status.pending.length === 0 && status.drifted.length === 0 && status.dirty.length === 0) return;
  await host.unregisterApp(name, { skipRollback: true });
  throw new KnexusError(
    'KNEXUS_ERR_TENANT_NOT_MIGRATED',
    `Tenant '${name}' is not migrated (${status.pending.length} pending, ${status.drifted.length} drifted, ${status.dirty.length} dirty); ` +
      "attach 'verify' runs nothing: migrate it with `registry.tenants.migrate()` or `knexus migrate --tenants`.",
    { appName: name, details: { pending: status.pending, drifted: status.drifted.map((d) => d.name), dirty: status.dirty } },
  );
}
