import type { AppHandle } from '../connection/app-handle.js';
import { activeConnections } from '../connection/routed-knex.js';

/** One attached tenant: its handle and when it was last asked for. */
export interface ResidentTenant {
  readonly name: string;
  readonly handle: AppHandle;
  lastUsed: number;
}

/** True while the tenant holds a pooled connection: a transaction or query in flight that detaching must not cut. */
const busy = (tenant: ResidentTenant): boolean => activeConnections(tenant.handle.knex) > 0;

/** The attached tenants, least recently used first (a Map keeps insertion order; a touch re-inserts). */
export class ResidentTenants {
  readonly #tenants = new Map<string, ResidentTenant>();

  get size(): number {
    return this.#tenants.size;
  }

  /** The tenant, marked as just used. */
  touch(name: string, now: number): ResidentTenant | undefined {
    const tenant = this.#tenants.get(name);
    if (tenant === undefined) return undefined;
    tenant.lastUsed = now;
    this.#tenants.delete(name);
    this.#tenants.set(name, tenant);
    return tenant;
  }

  add(handle: AppHandle, now: number): ResidentTenant {
    const tenant: ResidentTenant = { name: handle.name, handle, lastUsed: now };
    this.#tenants.set(handle.name, tenant);
    return tenant;
  }

  get(name: string): ResidentTenant | undefined {
    return this.#tenants.get(name);
  }

  delete(name: string): boolean {
    return this.#tenants.delete(name);
  }

  names(): string[] {
    return [...this.#tenants.keys()];
  }

  /** Tenants unused for `idleMs` that hold no connection, oldest first. */
  idleSince(idleMs: number, now: number): ResidentTenant[] {
    const out: ResidentTenant[] = [];
    for (const tenant of this.#tenants.values()) {
      if (now - tenant.lastUsed < idleMs) break;
      if (!busy(tenant)) out.push(tenant);
    }
    return out;
  }

  /** The `count` least recently used tenants that hold no connection (a busy one is skipped, never cut). */
  leastRecentlyUsed(count: number): ResidentTenant[] {
    const out: ResidentTenant[] = [];
    for (const tenant of this.#tenants.values()) {
      if (out.length >= count) break;
      if (!busy(tenant)) out.push(tenant);
    }
    return out;
  }
}
