import type { AppConfig } from '../connection/app-config.js';
import type { AppHandle } from '../connection/app-handle.js';
import { KnexusError, isKnexusError, toError } from '../errors.js';
import type { FleetCheckResult } from './fleet-check.js';
import { checkTenants, migrateTenants, rollbackTenants, type FleetCheckOptions, type FleetMigrateOptions, type FleetRollbackOptions, type FleetSite } from './fleet-commands.js';
import type { FleetReport } from './fleet-job.js';
import { ResidentTenants } from './resident-tenants.js';
import { resolveTenantOptions, type ResolvedTenantOptions } from './resolve-tenant-options.js';
import { SingleFlight } from './single-flight.js';
import { iterateTenants } from './tenant-list.js';
import type { AttachMode, TenantHost } from './tenant-options.js';
import type { TenantFailure, TenantsStatus } from './tenants-status.js';

/** A name missing from the list is looked up again at most this often, so unknown names cannot hammer `list()`. */
const RELIST_MS = 1000;

/**
 * The fleet of schema tenants of one registry: attaches a tenant on its first `tenant(name)` (one
 * registration however many callers ask at once), detaches idle ones and those beyond `maxResident`
 * (never rolling back, never while they hold a connection), and reports those that failed.
 */
export class TenantDirectory {
  readonly options: ResolvedTenantOptions;
  /** Folder the tenants' relative migration directories resolve against (the registry's `baseDir`). */
  readonly baseDir: string;
  readonly #host: TenantHost;
  readonly #resident = new ResidentTenants();
  readonly #attaching = new SingleFlight<string, AppHandle>();
  readonly #detaching = new Map<string, Promise<void>>();
  readonly #failures = new Map<string, TenantFailure>();
  readonly #listing = new SingleFlight<'list', ReadonlySet<string>>();
  #known: ReadonlySet<string> | undefined;
  #listedAt = 0;
  #sweeper: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(host: TenantHost, options: unknown, baseDir: string) {
    this.#host = host;
    this.baseDir = baseDir;
    this.options = resolveTenantOptions(options);
  }

  /** The handle of tenant `name`, attaching it on first use; a name `list()` does not give is KNEXUS_ERR_TENANT_NOT_FOUND. */
  tenant(name: string): Promise<AppHandle> {
    const resident = this.#resident.touch(name, Date.now());
    if (resident !== undefined && this.#host.hasApp(name)) return Promise.resolve(resident.handle);
    if (resident !== undefined) this.#resident.delete(name);
    return this.#attaching.run(name, () => this.#attach(name, this.options.attach));
  }

  /** The handle of `name` attached without running or checking migrations (the fleet jobs' way in). */
  attachForJob(name: string): Promise<AppHandle> {
    const resident = this.#resident.touch(name, Date.now());
    if (resident !== undefined && this.#host.hasApp(name)) return Promise.resolve(resident.handle);
    return this.#attaching.run(name, () => this.#attach(name, 'off'));
  }

  /** Every tenant name, as `list()` gives them (read once per call, never kept whole). */
  names(): AsyncGenerator<string> {
    return iterateTenants(this.options.list());
  }

  /** True when tenant `name` is attached now. */
  isResident(name: string): boolean {
    return this.#resident.get(name) !== undefined;
  }

  /**
   * Detaches tenant `name`: waits for the connections it holds to come back, then unregisters it without
   * rollback (its tables and data stay). Resolves false when it was not attached.
   */
  async detach(name: string): Promise<boolean> {
    const resident = this.#resident.get(name);
    if (resident === undefined) return false;
    await resident.gauge.idle();
    await this.#release(name);
    return true;
  }

  /** Every tenant's ledger against the tenants' migration files, read in a few round trips per 500 tenants; registers nothing. */
  check(options?: FleetCheckOptions): Promise<FleetCheckResult> {
    return checkTenants(this.#site(), options);
  }

  /**
   * Migrates every tenant that is behind, `concurrency` at a time, a `canary` step first, past failures,
   * with a per-tenant report; `resume` skips the tenants a previous report finished.
   */
  migrate(options?: FleetMigrateOptions): Promise<FleetReport> {
    return migrateTenants(this.#site(), options);
  }

  /** Rolls every tenant back to (and including) the file `to`, as `migrate` runs. */
  rollback(options: FleetRollbackOptions): Promise<FleetReport> {
    return rollbackTenants(this.#site(), options);
  }

  /** Tenants attached, attaching and failed (with their last error), for status, health and the board. */
  status(): TenantsStatus {
    return Object.freeze({
      owner: this.options.owner,
      resident: this.#resident.size,
      attaching: this.#attaching.size,
      failed: Object.freeze([...this.#failures.values()]),
    });
  }

  /** Adds `knexus_tenants` (tenants resident, attaching and failed in this process) to a prom-client registry. */
  addMetrics(client: typeof import('prom-client'), register: import('prom-client').Registry): void {
    const { resident, attaching, failed } = this.status();
    const gauge = new client.Gauge({ name: 'knexus_tenants', help: 'Tenants by state in this process.', labelNames: ['state'] as const, registers: [register] });
    gauge.set({ state: 'resident' }, resident);
    gauge.set({ state: 'attaching' }, attaching);
    gauge.set({ state: 'failed' }, failed.length);
  }

  /** Records a tenant's failure (attach or a fleet job), shown by `status()` until it next succeeds. */
  recordFailure(name: string, during: TenantFailure['during'], thrown: unknown): void {
    const error = toError(thrown);
    const previous = this.#failures.get(name);
    this.#failures.set(name, Object.freeze({
      name,
      during,
      code: isKnexusError(error) ? error.code : 'KNEXUS_ERR_UNEXPECTED',
      message: error.message,
      attempts: (previous?.attempts ?? 0) + 1,
      at: new Date().toISOString(),
    }));
  }

  /** Forgets a tenant's recorded failure after it succeeded. */
  clearFailure(name: string): void {
    this.#failures.delete(name);
  }

  /**
   * Stops idle detaching and waits for detaches in flight. Attaches in flight are left to the registry's
   * shutdown, which interrupts registrations within its own bound.
   */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#sweeper !== undefined) clearInterval(this.#sweeper);
    this.#sweeper = undefined;
    await Promise.allSettled([...this.#detaching.values()]);
  }

  #site(): FleetSite {
    return {
      owner: this.#host.getApp(this.options.owner),
      migrations: this.options.migrations,
      baseDir: this.baseDir,
      names: () => this.names(),
      attach: (name) => this.attachForJob(name),
      isResident: (name) => this.isResident(name),
      detach: (name) => this.detach(name),
      recordFailure: (name, during, error) => this.recordFailure(name, during, error),
      clearFailure: (name) => this.clearFailure(name),
    };
  }

  async #attach(name: string, mode: AttachMode): Promise<AppHandle> {
    await this.#detaching.get(name);
    try {
      await this.#assertListed(name);
      // Registered by hand (or by a job) already: adopt it.
      const handle = this.#host.hasApp(name) ? this.#host.getApp(name) : await this.#host.registerApp(name, await this.#configOf(name, mode));
      if (mode === 'verify') await this.#verify(name, handle);
      this.#resident.add(handle, Date.now());
      this.#failures.delete(name);
      this.#afterAttach();
      return handle;
    } catch (error) {
      if (!isKnexusError(error, 'KNEXUS_ERR_TENANT_NOT_FOUND')) this.recordFailure(name, 'attach', error);
      throw error;
    }
  }

  async #configOf(name: string, mode: AttachMode): Promise<AppConfig> {
    const { owner, migrations } = this.options;
    const base: AppConfig = this.options.config
      ? await this.options.config(name)
      : { useConnection: owner, schema: name, ...(migrations === undefined ? {} : { migrations }) };
    if (base.migrations === undefined) return base;
    return { ...base, migrations: { ...base.migrations, enabled: mode === 'migrate' } };
  }

  /** Refuses (and detaches, without rollback) a tenant whose ledger is behind, drifted or dirty. */
  async #verify(name: string, handle: AppHandle): Promise<void> {
    const status = await handle.migrationStatus().catch(async (error: unknown) => {
      await this.#host.unregisterApp(name, { skipRollback: true });
      throw error;
    });
    if (status.pending.length === 0 && status.drifted.length === 0 && status.dirty.length === 0) return;
    await this.#host.unregisterApp(name, { skipRollback: true });
    throw new KnexusError(
      'KNEXUS_ERR_TENANT_NOT_MIGRATED',
      `Tenant '${name}' is not migrated (${status.pending.length} pending, ${status.drifted.length} drifted, ${status.dirty.length} dirty); ` +
        "attach 'verify' runs nothing: migrate it with `registry.tenants.migrate()` or `knexus migrate --tenants`.",
      { appName: name, details: { pending: status.pending, drifted: status.drifted.map((d) => d.name), dirty: status.dirty } },
    );
  }

  async #assertListed(name: string): Promise<void> {
    if (this.#known?.has(name)) return;
    if (this.#known === undefined || Date.now() - this.#listedAt >= RELIST_MS) {
      this.#known = await this.#listing.run('list', async () => {
        const names = new Set<string>();
        for await (const listed of this.names()) names.add(listed);
        this.#listedAt = Date.now();
        return names;
      });
    }
    if (this.#known.has(name)) return;
    throw new KnexusError('KNEXUS_ERR_TENANT_NOT_FOUND', `No tenant '${name}': the tenants' list() does not give it`, { appName: name });
  }

  #afterAttach(): void {
    const { maxResident, idleTimeout } = this.options;
    if (maxResident > 0 && this.#resident.size > maxResident) {
      for (const tenant of this.#resident.leastRecentlyUsed(this.#resident.size - maxResident)) void this.#release(tenant.name);
    }
    if (idleTimeout > 0 && this.#sweeper === undefined && !this.#closed) {
      this.#sweeper = setInterval(() => this.#sweep(), Math.max(10, Math.min(5000, Math.floor(idleTimeout / 4))));
      this.#sweeper.unref();
    }
  }

  #sweep(): void {
    for (const tenant of this.#resident.idleSince(this.options.idleTimeout, Date.now())) void this.#release(tenant.name);
  }

  /** Unregisters without rollback; the next `tenant(name)` waits for this, then attaches again. */
  #release(name: string): Promise<void> {
    const running = this.#detaching.get(name);
    if (running !== undefined) return running;
    this.#resident.delete(name);
    const work = (async () => {
      try {
        if (this.#host.hasApp(name)) await this.#host.unregisterApp(name, { skipRollback: true });
      } catch (error) {
        // A shutdown racing the detach closes the tenant anyway; anything else is worth reporting.
        if (!isKnexusError(error, 'KNEXUS_ERR_SHUTTING_DOWN')) this.recordFailure(name, 'detach', error);
      } finally {
        this.#detaching.delete(name);
      }
    })();
    this.#detaching.set(name, work);
    return work;
  }
}
