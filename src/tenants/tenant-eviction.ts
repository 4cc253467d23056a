import type { ResidentTenants } from './resident-tenants.js';

/**
 * Which attached tenants to detach: beyond `maxResident` the least recently used (after each attach), and
 * those unused for `idleTimeout` (swept a few times per timeout). Tenants holding a connection are
 * skipped, never cut. `release` detaches one (never rolling back).
 */
export class TenantEviction {
  readonly #resident: ResidentTenants;
  readonly #limits: { readonly maxResident: number; readonly idleTimeout: number };
  readonly #release: (name: string) => unknown;
  #sweeper: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(
    resident: ResidentTenants,
    limits: { readonly maxResident: number; readonly idleTimeout: number },
    release: (name: string) => unknown,
  ) {
    this.#resident = resident;
    this.#limits = limits;
    this.#release = release;
  }

  /** After an attach: detaches the least recently used beyond `maxResident`, and starts the idle sweep. */
  afterAttach(): void {
    const { maxResident, idleTimeout } = this.#limits;
    const over = this.#resident.size - maxResident;
    if (maxResident > 0 && over > 0) for (const tenant of this.#resident.leastRecentlyUsed(over)) this.#release(tenant.name);
    if (idleTimeout > 0 && this.#sweeper === undefined && !this.#closed) {
      this.#sweeper = setInterval(() => this.#sweep(), Math.max(10, Math.min(5000, Math.floor(idleTimeout / 4))));
      this.#sweeper.unref();
    }
  }

  /** Stops the idle sweep for good. */
  close(): void {
    this.#closed = true;
    if (this.#sweeper !== undefined) clearInterval(this.#sweeper);
    this.#sweeper = undefined;
  }

  #sweep(): void {
    for (const tenant of this.#resident.idleSince(this.#limits.idleTimeout, Date.now())) this.#release(tenant.name);
  }
}
