import type { TenantServerStatus } from './tenant-servers.js';

/** A tenant whose last attach, detach or fleet job failed; cleared when it next succeeds. */
export interface TenantFailure {
  readonly name: string;
  readonly during: 'attach' | 'detach' | 'migrate' | 'rollback';
  /** The server it lives on or was placed on, with `tenants.servers`, when known. */
  readonly server?: string;
  readonly code: string;
  readonly message: string;
  /** Failures in a row. */
  readonly attempts: number;
  /** ISO time of the last failure. */
  readonly at: string;
}

/** What `registry.tenants.status()` reports. */
export interface TenantsStatus {
  readonly owner: string;
  readonly resident: number;
  readonly attaching: number;
  readonly failed: readonly TenantFailure[];
  /** With `tenants.servers`: each server's state, tenants placed there (last count read) and attached here, and tenants waiting for it. */
  readonly servers?: readonly (TenantServerStatus & { readonly resident: number })[];
}
