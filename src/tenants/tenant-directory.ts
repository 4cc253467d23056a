import type { AppConfig } from '../connection/app-config.js';
import type { AppHandle } from '../connection/app-handle.js';
import { whenIdle } from '../connection/routed-knex.js';
import { KnexusError, isKnexusError } from '../errors.js';
import type { FleetCheckResult } from './fleet-check.js';
import {
  checkTenants,
  migrateTenants,
  rollbackTenants,
  type FleetCheckOptions,
  type FleetMigrateOptions,
  type FleetRollbackOptions,
  type FleetGroup,
  type FleetSite,
} from './fleet-commands.js';
import type { FleetReport } from './fleet-job.js';
import type { RunResult } from '../migrations/ledger-types.js';
import { ResidentTenants } from './resident-tenants.js';
import { resolveTenantOptions, type ResolvedTenantOptions } from './resolve-tenant-options.js';
import { SingleFlight } from './single-flight.js';
import { TenantFailures } from './tenant-failures.js';
import { TenantEviction } from './tenant-eviction.js';
import { TenantNames } from './tenant-names.js';
import { verifyTenant } from './verify-tenant.js';
import type { TenantMoveOptions, TenantMoveReport } from './tenant-move.js';
import { addTenantMetrics } from './tenant-metrics.js';
import { TenantPlacement } from './tenant-placement.js';
import type { AttachMode, TenantHost } from './tenant-options.js';
import type { TenantFailure, TenantsStatus } from './tenants-status.js';

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
  readonly #failures = new TenantFailures();
  readonly #names: TenantNames;
  /** With `tenants.servers`: where each tenant lives. */
  readonly #placement: TenantPlacement | undefined;
  /** Server of each attached tenant, for status per server. */
  readonly #serverOf = new Map<string, string>();
  readonly #moving = new Map<string, Promise<unknown>>();
  /** Fleet-job runs on tenants that are not attached; a request for one of them waits for its run. */
  readonly #unattached = new Map<string, Promise<unknown>>();
  readonly #eviction: TenantEviction;

  constructor(host: TenantHost, options: unknown, baseDir: string) {
    this.#host = host;
    this.baseDir = baseDir;
    this.options = resolveTenantOptions(options);
    this.#names = new TenantNames(this.options.list);
    this.#eviction = new TenantEviction(this.#resident, this.options, (name) => this.#release(name));
    if (this.options.servers !== undefined) {
      // Tenants asked for while their server was down attach as soon as it answers; a failure is recorded.
      this.#placement = new TenantPlacement(host, this.options, (_server, waiting) => {
        for (const name of waiting) this.tenant(name).catch(() => undefined);
      });
    }
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
    return this.#names.names();
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
    await whenIdle(resident.handle.knex);
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
      failed: this.#failures.list(),
      ...(this.#placement === undefined ? {} : { servers: Object.freeze(this.#placement.status(this.#residentPerServer())) }),
    });
  }

  /**
   * Reads the tenants placed per server again from the placement store (status shows the last count
   * read); resolves with `status()`. A home server that is down leaves the last count.
   */
  async refreshPlacement(): Promise<TenantsStatus> {
    if (this.#placement !== undefined) await this.#placement.readCounts().catch(() => undefined);
    return this.status();
  }

  /** The server tenant `name` is placed on (placing it now, by the policy, if it has none); the owner without `servers`. */
  serverOf(name: string): Promise<string> {
    return this.#placement === undefined ? Promise.resolve(this.options.owner) : this.#placement.serverOf(name);
  }

  /**
   * Moves tenant `name` to `server`: detaches it (its requests wait), copies its schema with pg_dump and
   * pg_restore, verifies ledger and row counts, switches its placement, then drops the old copy. Any
   * failure before the switch leaves it served from the old server, with the new copy removed.
   */
  move(name: string, server: string, options: TenantMoveOptions = {}): Promise<TenantMoveReport> {
    if (this.#moving.has(name)) {
      return Promise.reject(
        new KnexusError('KNEXUS_ERR_TENANT_MOVE_FAILED', `Tenant '${name}' is being moved already`, {
          appName: name,
          details: { step: 'start', retryable: true },
        }),
      );
    }
    // A fleet job already migrating the tenant unattached finishes first, so the copy holds its result.
    const work = this.#move(name, server, options, this.#unattached.get(name));
    const settled = work.catch(() => undefined).finally(() => this.#moving.delete(name));
    this.#moving.set(name, settled);
    return work;
  }

  /** Adds the fleet's metrics (tenants by state; with several servers, per server) to a prom-client registry. */
  addMetrics(client: typeof import('prom-client'), register: import('prom-client').Registry): void {
    addTenantMetrics(client, register, this.status());
  }

  /** Records a tenant's failure (attach or a fleet job), shown by `status()` until it next succeeds. */
  recordFailure(name: string, during: TenantFailure['during'], thrown: unknown): void {
    this.#failures.record(name, during, thrown, this.#serverOf.get(name));
  }

  /** Forgets a tenant's recorded failure after it succeeded. */
  clearFailure(name: string): void {
    this.#failures.clear(name);
  }

  /**
   * Stops idle detaching and waits for detaches in flight. Attaches in flight are left to the registry's
   * shutdown, which interrupts registrations within its own bound.
   */
  async close(): Promise<void> {
    this.#eviction.close();
    this.#placement?.servers.close();
    await Promise.allSettled([...this.#detaching.values()]);
  }

  #site(): FleetSite {
    return {
      groups: () => this.#groups(),
      migrations: this.options.migrations,
      baseDir: this.baseDir,
      names: () => this.names(),
      attach: (name) => this.attachForJob(name),
      migrateUnattached: (name, options) => this.#migrateUnattached(name, options),
      isResident: (name) => this.isResident(name),
      detach: (name) => this.detach(name),
      recordFailure: (name, during, error) => this.recordFailure(name, during, error),
      clearFailure: (name) => this.clearFailure(name),
    };
  }

  /**
   * The fleet by server for checks: one group on the owner's pool, or with `tenants.servers` one per server
   * tenants are placed on (tenants not placed yet are looked for on the home server, where they are missing).
   */
  async #groups(): Promise<readonly FleetGroup[]> {
    const placement = this.#placement;
    if (placement === undefined) return [{ owner: this.#host.getApp(this.options.owner), names: this.names() }];
    const names: string[] = [];
    for await (const name of this.names()) names.push(name);
    // A server that does not answer leaves its tenants unreachable in the check, never the whole check failed.
    return (await placement.groups(names)).map((group) => ({ owner: group.owner, names: listOf(group.names) }));
  }

  async #move(name: string, to: string, options: TenantMoveOptions, unattached: Promise<unknown> | undefined): Promise<TenantMoveReport> {
    const placement = this.#placement;
    if (placement === undefined) {
      throw new KnexusError('KNEXUS_ERR_INVALID_CONFIG', 'Moving a tenant needs several servers: set tenants.servers', {
        field: 'tenants.servers',
        appName: name,
      });
    }
    placement.assertServer(name, to);
    await this.#names.assertListed(name);
    await unattached;
    // Requests for the tenant wait in #attach until the move settles, then attach where it lives.
    return placement.move(name, to, options, () => this.detach(name));
  }

  #residentPerServer(): Map<string, number> {
    const resident = new Map<string, number>();
    for (const name of this.#resident.names()) {
      const server = this.#serverOf.get(name);
      if (server !== undefined) resident.set(server, (resident.get(server) ?? 0) + 1);
    }
    return resident;
  }

  /**
   * Runs a fleet job's migration of `name` without attaching it (no registration, no resident slot);
   * null when it is attached or attaching, or when the registry cannot run it so (its config has a pool of its own).
   */
  #migrateUnattached(name: string, options: { to?: string; schemaExists?: boolean }): Promise<RunResult | null> {
    const migrate = this.#host.migrateDetached;
    if (migrate === undefined || this.isResident(name) || this.#attaching.has(name) || this.#host.hasApp(name))
      return Promise.resolve(null);
    // Marked at once, so a request or a move from now on waits for the run; the run waits only for a
    // detach or a move already going (read now, not after an await: a later move waits for this run).
    const before = [this.#detaching.get(name), this.#moving.get(name)];
    const run = (async () => {
      await Promise.all(before);
      const config = await this.#configOf(name, await this.#readyServerOf(name), 'off');
      if (config.useConnection === undefined || config.schema === undefined) return null;
      return migrate(name, config, options);
    })();
    const settled = run.catch(() => undefined).finally(() => this.#unattached.delete(name));
    this.#unattached.set(name, settled);
    return run;
  }

  async #attach(name: string, mode: AttachMode): Promise<AppHandle> {
    await this.#detaching.get(name);
    await this.#moving.get(name);
    await this.#unattached.get(name);
    try {
      await this.#names.assertListed(name);
      // Registered by hand (or by a job) already: adopt it.
      const handle = this.#host.hasApp(name) ? this.#host.getApp(name) : await this.#register(name, mode);
      if (mode === 'verify') await verifyTenant(this.#host, name, handle);
      this.#resident.add(handle, Date.now());
      this.#failures.clear(name);
      this.#eviction.afterAttach();
      return handle;
    } catch (error) {
      if (!isKnexusError(error, 'KNEXUS_ERR_TENANT_NOT_FOUND')) this.recordFailure(name, 'attach', error);
      throw error;
    }
  }

  async #register(name: string, mode: AttachMode): Promise<AppHandle> {
    const server = await this.#readyServerOf(name);
    const handle = await this.#host.registerApp(name, await this.#configOf(name, server, mode));
    this.#serverOf.set(name, server);
    return handle;
  }

  /** The server of `name`, once its owner app answers (with `tenants.servers`). */
  async #readyServerOf(name: string): Promise<string> {
    const server = await this.serverOf(name);
    if (this.#placement !== undefined) await this.#placement.servers.ready(server, name);
    return server;
  }

  async #configOf(name: string, server: string, mode: AttachMode): Promise<AppConfig> {
    const { migrations } = this.options;
    const base: AppConfig = this.options.config
      ? await this.options.config(name, server)
      : { useConnection: server, schema: name, ...(migrations === undefined ? {} : { migrations }) };
    if (base.migrations === undefined) return base;
    return { ...base, migrations: { ...base.migrations, enabled: mode === 'migrate' } };
  }

  /** Unregisters without rollback; the next `tenant(name)` waits for this, then attaches again. */
  #release(name: string): Promise<void> {
    const running = this.#detaching.get(name);
    if (running !== undefined) return running;
    this.#resident.delete(name);
    this.#serverOf.delete(name);
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

async function* listOf(names: readonly string[]): AsyncIterable<string> {
  yield* names;
}
