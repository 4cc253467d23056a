import type { AppHandle } from '../connection/app-handle.js';
import { KnexusError } from '../errors.js';
import { fewestTenants } from './placement-policy.js';
import type { PlacementStore } from './placement-store.js';
import type { ResolvedTenantOptions } from './resolve-tenant-options.js';
import { TablePlacement } from './table-placement.js';
import { TenantServers, type TenantServerStatus } from './tenant-servers.js';
import { moveTenant, type TenantMoveOptions, type TenantMoveReport } from './tenant-move.js';
import type { TenantHost } from './tenant-options.js';

/**
 * Where the tenants of a fleet spread over `tenants.servers` live: the servers (their owner apps, up or
 * down), the placement store, the policy that places a new tenant, and the counts per server status shows.
 */
export class TenantPlacement {
  readonly servers: TenantServers;
  readonly #options: ResolvedTenantOptions;
  readonly #store: PlacementStore;
  #counts: Readonly<Record<string, number>> | undefined;

  /** `onUp(server, waiting)`: a server that was down answers again, with the tenants that waited for it. */
  constructor(host: TenantHost, options: ResolvedTenantOptions, onUp: (server: string, waiting: string[]) => void) {
    this.#options = options;
    this.servers = new TenantServers(host, options.servers!, options.serverRetry, onUp);
    this.#store = options.placement ?? new TablePlacement(() => host.getApp(options.owner).knex);
  }

  /** The placement store, once the home server that holds the default store's table is reached. */
  async store(): Promise<PlacementStore> {
    if (this.#options.placement === undefined && this.servers.has(this.#options.owner)) await this.servers.ready(this.#options.owner);
    return this.#store;
  }

  /** Reads the tenants placed per server from the store again. */
  async readCounts(): Promise<Readonly<Record<string, number>>> {
    const store = await this.store();
    this.#counts = Object.freeze({ ...((await store.counts?.()) ?? {}) });
    return this.#counts;
  }

  /** The server tenant `name` is placed on, placing it now (the policy, among servers that answer) if it has none. */
  async serverOf(name: string): Promise<string> {
    const store = await this.store();
    const placed = await store.get(name);
    if (placed !== undefined) return placed;
    const servers = this.servers;
    const counts = await this.readCounts();
    const candidates = servers.names
      .filter((server) => servers.isUp(server))
      .map((server) => ({ name: server, tenants: counts[server] ?? 0 }));
    if (candidates.length === 0) await servers.ready(servers.names[0]!, name);
    const chosen = (this.#options.placementPolicy ?? fewestTenants)(name, Object.freeze(candidates));
    if (!servers.has(chosen)) {
      throw new KnexusError(
        'KNEXUS_ERR_INVALID_CONFIG',
        `tenants.placementPolicy chose '${String(chosen)}', which is not in tenants.servers`,
        {
          field: 'tenants.placementPolicy',
          appName: name,
        },
      );
    }
    let recorded: string;
    if (store.claim !== undefined) recorded = await store.claim(name, chosen);
    else {
      await store.set(name, chosen);
      recorded = (await store.get(name)) ?? chosen;
    }
    if (this.#counts !== undefined) this.#counts = { ...this.#counts, [recorded]: (this.#counts[recorded] ?? 0) + 1 };
    return recorded;
  }

  /** Each server's state with the last counts read, and `resident`: the tenants attached here per server. */
  status(resident: ReadonlyMap<string, number>): (TenantServerStatus & { readonly resident: number })[] {
    return this.servers.status(this.#counts).map((server) => Object.freeze({ ...server, resident: resident.get(server.name) ?? 0 }));
  }

  /**
   * `names` grouped by server with each server's owner app (undefined for a server that does not answer);
   * tenants not placed yet go with the home server, where they are missing.
   */
  async groups(names: readonly string[]): Promise<{ owner: AppHandle | undefined; names: readonly string[] }[]> {
    const store = await this.store();
    const placed = store.getMany
      ? await store.getMany(names)
      : new Map(await Promise.all(names.map(async (name) => [name, await store.get(name)] as const)));
    const byServer = new Map<string, string[]>();
    for (const name of names) {
      const server = placed.get(name) ?? this.#options.owner;
      const members = byServer.get(server);
      if (members === undefined) byServer.set(server, [name]);
      else members.push(name);
    }
    return Promise.all(
      [...byServer].map(async ([server, members]) => ({ owner: await this.servers.ready(server).catch(() => undefined), names: members })),
    );
  }

  /** KNEXUS_ERR_INVALID_CONFIG unless `server` is one of `tenants.servers`. */
  assertServer(name: string, server: string): void {
    if (this.servers.has(server)) return;
    throw new KnexusError('KNEXUS_ERR_INVALID_CONFIG', `No server '${server}' in tenants.servers (${this.servers.names.join(', ')})`, {
      field: 'tenants.servers',
      appName: name,
    });
  }

  /**
   * Moves tenant `name` to `to` (see `moveTenant`): `detach` takes it out of service first; a tenant already
   * there is not moved.
   */
  async move(name: string, to: string, options: TenantMoveOptions, detach: () => Promise<unknown>): Promise<TenantMoveReport> {
    const store = await this.store();
    const from = await store.get(name);
    if (from === undefined) {
      throw new KnexusError('KNEXUS_ERR_TENANT_NOT_FOUND', `Tenant '${name}' is not placed on any server yet: nothing to move`, {
        appName: name,
      });
    }
    if (from === to) {
      return Object.freeze({
        tenant: name,
        from,
        to,
        moved: false,
        steps: Object.freeze([]),
        tables: Object.freeze({}),
        oldCopyDropped: false,
        durationMs: 0,
      });
    }
    const source = await this.servers.ready(from);
    const target = await this.servers.ready(to);
    await detach();
    const configs = this.#options.servers!;
    const report = await moveTenant({
      tenant: name,
      schema: name,
      from: { name: from, knex: source.knex, client: source.target.client, connection: configs[from]!.connection },
      to: { name: to, knex: target.knex, client: target.target.client, connection: configs[to]!.connection },
      tableName: this.#options.migrations?.tableName ?? 'knexus_migrations',
      pgTools: this.#options.pgTools,
      switchPlacement: () => Promise.resolve(store.set(name, to)),
      ...options,
    });
    await this.readCounts().catch(() => undefined);
    return report;
  }
}
